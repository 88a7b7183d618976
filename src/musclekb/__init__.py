"""musclekb: an open, explainable expert system for muscle imbalances.

>>> import musclekb
>>> kb = musclekb.load()            # the shipped knowledge base, parsed and validated
>>> kb.signs["sls-knee-valgus"].label  # doctest: +SKIP
"""

from musclekb import model
from musclekb.errors import (
    KnowledgeError,
    KnowledgeInvalidError,
    KnowledgeNotFoundError,
    KnowledgeParseError,
    LookupFailedError,
    MuscleKBError,
)
from musclekb.kb import KnowledgeBase, KnowledgeInfo
from musclekb.loader import load, package_version
from musclekb.report import ParseProblem, ValidationReport, Violation
from musclekb.sources import default_knowledge_dir
from musclekb.validation import validate
from musclekb.vocab import KB, MK

__all__ = [
    "KB",
    "MK",
    "KnowledgeBase",
    "KnowledgeError",
    "KnowledgeInfo",
    "KnowledgeInvalidError",
    "KnowledgeNotFoundError",
    "KnowledgeParseError",
    "LookupFailedError",
    "MuscleKBError",
    "ParseProblem",
    "ValidationReport",
    "Violation",
    "default_knowledge_dir",
    "load",
    "model",
    "package_version",
    "validate",
]
