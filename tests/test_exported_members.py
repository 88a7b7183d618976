"""The public surface of ``musclekb`` is exactly what ``__all__`` says, and nothing drifts silently."""

import musclekb

EXPECTED = {
    "KB",
    "MK",
    "Assessment",
    "AssessmentInputError",
    "AssessmentRequest",
    "Context",
    "Finding",
    "InputProblem",
    "Measurement",
    "Reasoner",
    "assess",
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
}


def test_all_is_pinned() -> None:
    assert set(musclekb.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    for name in musclekb.__all__:
        assert hasattr(musclekb, name), name


def test_public_names_are_exported() -> None:
    public = {
        name
        for name, value in vars(musclekb).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("musclekb")
    }
    assert public <= set(musclekb.__all__)


def test_errors_share_one_root() -> None:
    for name in (
        "KnowledgeError",
        "KnowledgeInvalidError",
        "KnowledgeNotFoundError",
        "KnowledgeParseError",
        "LookupFailedError",
    ):
        assert issubclass(getattr(musclekb, name), musclekb.MuscleKBError)
