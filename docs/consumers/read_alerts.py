#!/usr/bin/env python3
"""Decodes drainwatch records that kcat read, one JSON object per record on stdout.

drainwatch writes Avro single-object encoding: the marker C3 01, the 8-byte little-endian
CRC-64-AVRO fingerprint of the writer's schema, then the Avro binary datum. This script finds the
writer's schema among the published ones by its fingerprint, decodes the datum with the Apache Avro
library (Debian package python3-avro, or `pip install avro`) and resolves it to the current version of
that schema, so records written by older releases are read too.

Input is kcat's output in this framing, which is safe for binary values:

    kcat -C -b BROKER -t drainwatch.alerts -o beginning -e -q -f '%t %p %o %K %S\\n%k%s\\n' \\
        | python3 read_alerts.py

Each line printed has the Avro field names, "type": "alert" or "incident" first, exact amounts as
strings, times as ISO-8601 UTC strings and enums as their symbols: the same shape as
`drainwatch alerts tail --format json`. Tombstones (a compacted incident removed) are skipped. Records
of the other drainwatch topics decode too, with their schema's name as the type.

Exit codes: 0 every record decoded; 1 some records could not be decoded (each is named on stderr
and the others are still printed); 2 unusable input or schemas.
"""

import argparse
import datetime
import decimal
import io
import json
import math
import os
import re
import struct
import sys

try:
    import avro.errors
    import avro.io
    import avro.name
    import avro.schema
except ImportError:
    sys.exit(
        "read_alerts.py: the Apache Avro library is missing: apt-get install python3-avro (Debian) "
        "or pip install avro, and run this script with that Python"
    )

MARKER = b"\xc3\x01"
HEADER_LENGTH = len(MARKER) + 8
KCAT_FORMAT = "%t %p %o %K %S\\n%k%s\\n"
TYPES = {"io.drainwatch.schemas.DrainAlert": "alert", "io.drainwatch.schemas.DrainIncident": "incident"}
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
HISTORY_FILE = re.compile(r"^(?P<name>.+)\.v(?P<version>\d+)\.avsc$")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMAS = [
    os.path.join(HERE, "..", "..", "schemas", "src", "main", "avro"),
    os.path.join(HERE, "..", "..", "schemas", "src", "main", "resources", "io", "drainwatch", "schemas", "history"),
]


class InputError(Exception):
    """Input that is not in the framing above."""


def _crc64_table():
    empty = 0xC15D213AA4D7A795
    table = []
    for byte in range(256):
        fingerprint = byte
        for _ in range(8):
            fingerprint = (fingerprint >> 1) ^ (empty if fingerprint & 1 else 0)
        table.append(fingerprint)
    return empty, table


_EMPTY, _TABLE = _crc64_table()


def crc64_avro(data):
    """The CRC-64-AVRO (Rabin) fingerprint of the Avro specification, as an unsigned 64-bit int."""
    fingerprint = _EMPTY
    for byte in data:
        fingerprint = (fingerprint >> 8) ^ _TABLE[(fingerprint ^ byte) & 0xFF]
    return fingerprint


def _simple_primitives(node):
    # The library writes a primitive carrying a logicalType as {"type": "long"}; the Parsing
    # Canonical Form wants the plain name ("long"), as the Java writer used.
    if isinstance(node, dict):
        if len(node) == 1 and node.get("type") in PRIMITIVES:
            return node["type"]
        return {key: _simple_primitives(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_simple_primitives(item) for item in node]
    return node


def canonical_form(schema):
    """The schema's Parsing Canonical Form, the text its fingerprint is taken of."""
    return json.dumps(_simple_primitives(schema.to_canonical_json()), separators=(",", ":"))


def fingerprint(schema):
    return crc64_avro(canonical_form(schema).encode("utf-8"))


class Schemas:
    """Every schema in the given folders, by fingerprint (writers) and by full name (readers).

    A file named <Name>.avsc is the current version and the reader; <Name>.v<N>.avsc files are
    released versions, and the highest one reads when there is no current file. A schema may name
    types defined in other files of its folder (as the current schemas name Severity and AlertStatus).
    """

    def __init__(self, folders):
        self.writers = {}
        readers = {}
        for folder in folders:
            if not os.path.isdir(folder):
                raise InputError("no schema folder " + folder)
            for path, schema in self._parse_folder(folder):
                match = HISTORY_FILE.match(os.path.basename(path))
                rank = (0, int(match.group("version"))) if match else (1, 0)
                self.writers[fingerprint(schema)] = schema
                best = readers.get(schema.fullname)
                if best is None or rank > best[0]:
                    readers[schema.fullname] = (rank, schema)
        if not self.writers:
            raise InputError("no .avsc files in " + ", ".join(folders))
        self.readers = {name: schema for name, (_, schema) in readers.items()}

    @staticmethod
    def _parse_folder(folder):
        pending = {}
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                if name.endswith(".avsc"):
                    path = os.path.join(root, name)
                    with open(path, encoding="utf-8") as text:
                        pending[path] = json.load(text)
        parsed = []
        defined = {}
        # Parse what stands alone first, then what names it, until nothing more parses.
        while pending:
            progress = False
            errors = {}
            for path, document in list(pending.items()):
                names = avro.name.Names()
                names.names.update(defined)
                try:
                    schema = avro.schema.make_avsc_object(document, names)
                except avro.errors.SchemaParseException as e:
                    errors[path] = str(e)
                    continue
                del pending[path]
                parsed.append((path, schema))
                if not HISTORY_FILE.match(os.path.basename(path)) and hasattr(schema, "fullname"):
                    defined[schema.fullname] = schema
                progress = True
            if not progress:
                raise InputError("cannot parse " + "; ".join(f"{p}: {e}" for p, e in errors.items()))
        return parsed


def _timestamp(value):
    # The form of java.time.Instant.toString for millisecond times: seconds, then .mmm unless zero.
    text = value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    millis = value.microsecond // 1000
    return text + (f".{millis:03d}" if millis else "") + "Z"


def to_json(value, schema):
    """A decoded Avro value as plain JSON values, records in their schema's field order."""
    if value is None:
        return None
    if isinstance(schema, avro.schema.UnionSchema):
        branch = None
        for candidate in schema.schemas:
            if isinstance(value, dict) and candidate.type in ("record", "map"):
                branch = candidate
            elif isinstance(value, list) and candidate.type == "array":
                branch = candidate
            if branch is not None:
                break
        return to_json(value, branch)
    if isinstance(value, dict):
        if isinstance(schema, avro.schema.RecordSchema):
            return {field.name: to_json(value.get(field.name), field.type) for field in schema.fields}
        values = schema.values if isinstance(schema, avro.schema.MapSchema) else None
        return {str(key): to_json(item, values) for key, item in value.items()}
    if isinstance(value, list):
        items = schema.items if isinstance(schema, avro.schema.ArraySchema) else None
        return [to_json(item, items) for item in value]
    if isinstance(value, bool) or isinstance(value, int) or isinstance(value, str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # JSON has no NaN or infinity
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return _timestamp(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return str(value)


def decode(schemas, payload):
    """(type, JSON object) of one single-object encoded record."""
    if len(payload) < HEADER_LENGTH or payload[: len(MARKER)] != MARKER:
        raise ValueError("not Avro single-object encoding (no C3 01 marker)")
    (writer_fingerprint,) = struct.unpack("<Q", payload[len(MARKER) : HEADER_LENGTH])
    writer = schemas.writers.get(writer_fingerprint)
    if writer is None:
        raise ValueError(f"no published schema has the fingerprint {writer_fingerprint:016x}")
    reader = schemas.readers[writer.fullname]
    datum = avro.io.DatumReader(writer, reader).read(avro.io.BinaryDecoder(io.BytesIO(payload[HEADER_LENGTH:])))
    kind = TYPES.get(reader.fullname, reader.name)
    return {"type": kind, **to_json(datum, reader)}


def _read_exactly(stream, length, what):
    data = stream.read(length)
    if len(data) != length:
        raise InputError(f"input ended inside {what}: {len(data)} of {length} bytes")
    return data


def records(stream):
    """(topic, partition, offset, key bytes or None, value bytes or None) in kcat's framing."""
    while True:
        header = stream.readline()
        if not header:
            return
        if header == b"\n":
            continue
        fields = header.decode("utf-8", "replace").split()
        if len(fields) != 5:
            raise InputError(f"expected 'topic partition offset keylength valuelength', got {header!r}: "
                             f"run kcat with -f '{KCAT_FORMAT}'")
        topic, partition, offset, key_length, value_length = fields
        try:
            key_length, value_length = int(key_length), int(value_length)
        except ValueError:
            raise InputError(f"lengths are not numbers in {header!r}") from None
        where = f"{topic}-{partition}@{offset}"
        key = _read_exactly(stream, key_length, "the key of " + where) if key_length >= 0 else None
        value = _read_exactly(stream, value_length, "the value of " + where) if value_length >= 0 else None
        if stream.read(1) != b"\n":
            raise InputError(f"no line break after {where}: run kcat with -f '{KCAT_FORMAT}'")
        yield topic, partition, offset, key, value


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Decode drainwatch records read by kcat (-f '" + KCAT_FORMAT + "') into JSON lines.")
    parser.add_argument("input", nargs="?", help="kcat's output (default: standard input)")
    parser.add_argument("--schemas", action="append", metavar="FOLDER",
                        help="folder of .avsc files, repeatable (default: this repository's "
                             "schemas/src/main/avro and its history folder)")
    args = parser.parse_args(argv)
    try:
        schemas = Schemas(args.schemas or [os.path.normpath(f) for f in DEFAULT_SCHEMAS])
    except (InputError, OSError, ValueError) as e:
        print(f"read_alerts.py: {e}", file=sys.stderr)
        return 2
    stream = open(args.input, "rb") if args.input else sys.stdin.buffer
    skipped = 0
    try:
        for topic, partition, offset, _, value in records(stream):
            if value is None:
                continue
            try:
                line = json.dumps(decode(schemas, value), ensure_ascii=False, separators=(",", ":"))
            except (ValueError, avro.errors.AvroException, struct.error, EOFError) as e:
                print(f"read_alerts.py: skipped {topic}-{partition}@{offset}: {e}", file=sys.stderr)
                skipped += 1
                continue
            print(line, flush=True)
    except InputError as e:
        print(f"read_alerts.py: {e}", file=sys.stderr)
        return 2
    finally:
        if args.input:
            stream.close()
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
