import pytest


@pytest.fixture(autouse=True)
def _checkpoint_file(settings, tmp_path):
    """Each test anchors the trail in a checkpoint file of its own."""
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_PATH
