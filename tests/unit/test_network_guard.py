import socket

import pytest


def test_guard_refuses_and_records_non_loopback(network_guard: list[object]) -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="network guard"):
            s.connect(("93.184.216.34", 80))
    finally:
        s.close()
    assert network_guard == [("93.184.216.34", 80)]
    network_guard.clear()  # the refusal was the point of this test


def test_guard_allows_loopback() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
