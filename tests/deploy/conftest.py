import pytest

from .manifests import KubectlMissing, kubectl


@pytest.fixture(scope="session", autouse=True)
def kubectl_present():
    """The deploy tests render with `kubectl kustomize`; without it they fail, saying so."""
    try:
        return kubectl()
    except KubectlMissing as exc:
        pytest.fail(str(exc), pytrace=False)
