import pytest

from registers.tests.fake_servers import FakeRegisterServer


@pytest.fixture
def fake_registers():
    """A running fake Folkeregisteret + KRR (registers/tests/fake_servers.py), stopped after."""
    server = FakeRegisterServer().start()
    yield server
    server.stop()
