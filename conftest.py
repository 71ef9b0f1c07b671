"""Test ordering for the parallel run (scripts/test.sh: pytest -n auto).

The few tests that run worker processes, kill them and walk the browser take a minute or so each;
started last, one of them alone keeps the run going while the other processes are idle. They go
first: the many short tests then fill the processes evenly."""

LONG = (
    "tests/test_crash.py",
    "tests/test_mixed_lines.py",
    "tests/test_walk.py",
    "tests/test_transports.py::KillTestCase",
    "tests/test_worker_processes.py",
)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONG))  # stable: the rest keep their order
