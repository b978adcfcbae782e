"""Who sent a request: the connection's address, or, behind a trusted proxy, the reader's.

Behind an HTTPS proxy every connection comes from the proxy, so without this
one person could use up the rate limit of everyone. But ``X-Forwarded-For`` is
only a header: anyone can write one. So it is believed only when the
connection comes from a proxy the operator named (``--trusted-proxy`` or
``feedback.trusted_proxies``), and then only as far as the proxies that wrote
it: the address is the right-most one in the chain that is not a trusted
proxy. Everything to its left was written by the sender and is ignored.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_HOPS = 20  # a longer chain is not a real one; nobody reads further to the left


class ProxyError(ValueError):
    """A trusted proxy that is not an IP address or network; the message says how to write one."""


def _address(written: str) -> Address | None:
    try:
        address = ipaddress.ip_address(written.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1, however the socket spelt it
    return address


@dataclass(frozen=True)
class TrustedProxies:
    """The networks whose connections may say, in ``X-Forwarded-For``, who the reader is."""

    networks: tuple[Network, ...] = ()

    @classmethod
    def of(cls, written: Iterable[str]) -> TrustedProxies:
        networks: list[Network] = []
        for item in written:
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError as error:
                raise ProxyError(f"`{item}` is not an IP address or network ({error}). Give the proxy's own "
                                 "address as it connects to the receiver, like 127.0.0.1 or 10.0.0.0/8.") from error
        return cls(tuple(networks))

    def trusts(self, written: str) -> bool:
        address = _address(written)
        return address is not None and any(address in network for network in self.networks)

    def client(self, remote: str, forwarded: Sequence[str]) -> str:
        """The address to count a request against.

        ``remote`` is the connection's own address; ``forwarded`` the values of
        every ``X-Forwarded-For`` header, in order. From an untrusted connection
        the headers are ignored.
        """
        if not self.trusts(remote):
            return str(_address(remote) or remote)
        hops = [hop.strip() for value in forwarded for hop in value.split(",")][-MAX_HOPS:]
        chosen = remote
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # not an address: what a trusted proxy wrote ends here
                break
            chosen = str(address)
            if not self.trusts(chosen):
                return chosen
        return str(_address(chosen) or chosen)
