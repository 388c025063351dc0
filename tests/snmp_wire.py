"""Just enough SNMPv2c BER (RFC 3416 PDUs, X.690 encoding) for the test harness: a GET to ask
whether a peer answers yet, and well-formed-looking replies for the garbage responder.

Not a client: the real clients under test are pysnmp (ours) and net-snmp (the reference).
"""

from __future__ import annotations

SEQUENCE = 0x30
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
GET_REQUEST = 0xA0
RESPONSE = 0xA2
SNMP_V2C = 1


def encode_length(length: int) -> bytes:
    """BER definite length: short form below 128, long form above."""
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def encode_tlv(tag: int, value: bytes) -> bytes:
    """One tag-length-value element."""
    return bytes([tag]) + encode_length(len(value)) + value


def encode_integer(number: int) -> bytes:
    """A signed INTEGER in the fewest two's-complement octets."""
    size = max(1, (number.bit_length() + 8) // 8)
    return encode_tlv(INTEGER, number.to_bytes(size, "big", signed=True))


def encode_oid(dotted: str) -> bytes:
    """An OBJECT IDENTIFIER from its dotted form (``1.3.6.1.2.1.1.1.0``)."""
    arcs = [int(arc) for arc in dotted.strip(".").split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        rest, chunk = arc >> 7, [arc & 0x7F]
        while rest:
            chunk.append(0x80 | (rest & 0x7F))
            rest >>= 7
        body.extend(reversed(chunk))
    return encode_tlv(OBJECT_IDENTIFIER, bytes(body))


def encode_message(community: bytes, pdu_tag: int, request_id: int, varbinds: bytes) -> bytes:
    """A v2c message: version, community and one PDU (error-status and -index zero)."""
    pdu = encode_tlv(
        pdu_tag,
        encode_integer(request_id)
        + encode_integer(0)
        + encode_integer(0)
        + encode_tlv(SEQUENCE, varbinds),
    )
    return encode_tlv(
        SEQUENCE, encode_integer(SNMP_V2C) + encode_tlv(OCTET_STRING, community) + pdu
    )


def encode_get_request(community: str, oid: str, request_id: int) -> bytes:
    """A v2c GetRequest for one OID: the readiness probe of every peer."""
    varbind = encode_tlv(SEQUENCE, encode_oid(oid) + encode_tlv(NULL, b""))
    return encode_message(community.encode(), GET_REQUEST, request_id, varbind)


def encode_string_response(community: bytes, request_id: int, oid: str, text: bytes) -> bytes:
    """A v2c Response carrying one OCTET STRING value (what a GET of sysDescr gets back)."""
    varbind = encode_tlv(SEQUENCE, encode_oid(oid) + encode_tlv(OCTET_STRING, text))
    return encode_message(community, RESPONSE, request_id, varbind)


def read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the element at ``offset``; ValueError when truncated."""
    if offset + 2 > len(data):
        raise ValueError("truncated BER element")
    tag, first = data[offset], data[offset + 1]
    start = offset + 2
    length = first
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or start + count > len(data):
            raise ValueError("bad BER length")
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    if start + length > len(data):
        raise ValueError("truncated BER value")
    return tag, start, start + length


def read_header(message: bytes) -> tuple[bytes, int, int]:
    """(community, PDU tag, request-id) of a v1/v2c message; ValueError for anything else."""
    tag, start, _ = read_tlv(message, 0)
    if tag != SEQUENCE:
        raise ValueError("not an SNMP message")
    _, _, after_version = read_tlv(message, start)
    tag, community_start, community_end = read_tlv(message, after_version)
    if tag != OCTET_STRING:
        raise ValueError("no community string")
    pdu_tag, pdu_start, _ = read_tlv(message, community_end)
    tag, id_start, id_end = read_tlv(message, pdu_start)
    if tag != INTEGER:
        raise ValueError("no request-id")
    request_id = int.from_bytes(message[id_start:id_end], "big", signed=True)
    return message[community_start:community_end], pdu_tag, request_id
