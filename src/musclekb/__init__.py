"""musclekb: an open, explainable expert system for muscle imbalances.

>>> import musclekb
>>> kb = musclekb.load()            # the shipped knowledge base, parsed and validated
>>> kb.signs["sls-knee-valgus"].label  # doctest: +SKIP
"""

from musclekb import model
from musclekb.api_functions import assess
from musclekb.assessment import Assessment
from musclekb.errors import (
    AssessmentInputError,
    InputProblem,
    KnowledgeError,
    KnowledgeInvalidError,
    KnowledgeNotFoundError,
    KnowledgeParseError,
    LookupFailedError,
    MuscleKBError,
)
from musclekb.kb import KnowledgeBase, KnowledgeInfo
from musclekb.loader import load, package_version
from musclekb.reasoner import Reasoner
from musclekb.report import ParseProblem, ValidationReport, Violation
from musclekb.request import AssessmentRequest, Context, Finding, Measurement
from musclekb.sources import default_knowledge_dir
from musclekb.validation import validate
from musclekb.vocab import KB, MK

__all__ = [
    "KB",
    "MK",
    "Assessment",
    "AssessmentInputError",
    "AssessmentRequest",
    "Context",
    "Finding",
    "InputProblem",
    "KnowledgeBase",
    "KnowledgeError",
    "KnowledgeInfo",
    "KnowledgeInvalidError",
    "KnowledgeNotFoundError",
    "KnowledgeParseError",
    "LookupFailedError",
    "Measurement",
    "MuscleKBError",
    "ParseProblem",
    "Reasoner",
    "ValidationReport",
    "Violation",
    "assess",
    "default_knowledge_dir",
    "load",
    "model",
    "package_version",
    "validate",
]
