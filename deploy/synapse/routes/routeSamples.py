"""Example raw paths for a Synapse route pattern, generated from the pattern's own parse tree.

Every alternative of an unnamed group (the version group "(api/v1|r0|v3|unstable)") gives a sample; optional parts
give one sample without and one with them; named groups get one plausible value, percent-encoded as Matrix clients
send it. Each sample is checked against its pattern the way Synapse matches (re.match: anchored at the start only).
"""

import itertools
import re
from typing import Any

try:
    import re._parser as sre_parse  # Python >= 3.11
    from re._constants import (
        ANY,
        AT,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_WORD,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # older Pythons keep the parser at top level
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import (  # type: ignore[no-redef]
        ANY,
        AT,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_WORD,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        RANGE,
        SUBPATTERN,
    )

# Plausible raw values for named groups ("!" "@" "#" "$" ":" percent-encoded, as clients send them).
SAMPLE_VALUES = {
    "room_id": "%21room%3Aexample.org",
    "room_identifier": "%21room%3Aexample.org",
    "room_alias": "%23alias%3Aexample.org",
    "user_id": "%40user%3Aexample.org",
    "target_user_id": "%40user%3Aexample.org",
    "event_id": "%24event",
    "parent_id": "%24event",
    "thread_root_id": "%24event",
    "txn_id": "t1",
    "event_type": "m.room.message",
    "state_key": "",
    "message_type": "m.room.encrypted",
    "receipt_type": "m.read",
    "relation_type": "m.thread",
    "account_data_type": "m.direct",
    "server_name": "example.org",
    "origin": "example.org",
    "media_id": "abcdef",
    "device_id": "DEVICE",
    "filter_id": "1",
    "version": "1",
    "session_id": "session",
    "stagetype": "m.login.recaptcha",
    "tag": "u.work",
    "file_name": "x.png",
}
# More samples than this for one pattern means a pattern shape this script does not expect.
MAX_SAMPLES = 64


class SampleError(Exception):
    pass


def group_bodies(pattern: str) -> dict[str, str]:
    """The regex source of each named group's body, so a sample value can be checked against just that group."""
    bodies: dict[str, str] = {}
    for match in re.finditer(r"\(\?P<(\w+)>", pattern):
        depth, index, in_class = 1, match.end(), False
        while depth:
            char = pattern[index]
            if char == "\\":
                index += 1
            elif in_class:
                in_class = char != "]"
            elif char == "[":
                in_class = True
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            index += 1
        bodies[match.group(1)] = pattern[match.end() : index - 1]
    return bodies


def char_in(items: list[tuple[Any, Any]]) -> str:
    """One character of a character class: "x" when allowed, else the first thing the class lists."""
    negated = any(op is NEGATE for op, _ in items)

    def listed(char: str) -> bool:
        for op, av in items:
            if op is LITERAL and chr(av) == char:
                return True
            if op is RANGE and av[0] <= ord(char) <= av[1]:
                return True
            if op is CATEGORY and av is CATEGORY_WORD and (char.isalnum() or char == "_"):
                return True
            if op is CATEGORY and av is CATEGORY_DIGIT and char.isdigit():
                return True
        return False

    for char in "x1_.":
        if listed(char) != negated:
            return char
    for op, av in items:
        if op is LITERAL:
            return chr(av)
        if op is RANGE:
            return chr(av[0])
    raise SampleError(f"no sample character for class {items}")


class SampleWriter:
    def __init__(self, pattern: re.Pattern[str]):
        self.bodies = group_bodies(pattern.pattern)
        self.parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        self.names = {index: name for name, index in self.parsed.state.groupdict.items()}

    def samples(self) -> list[str]:
        return list(dict.fromkeys(self.expand(self.parsed)))

    def expand(self, items: Any) -> list[str]:
        parts = [self.item(op, av) for op, av in items]
        return ["".join(choice) for choice in itertools.product(*parts)]

    def item(self, op: Any, av: Any) -> list[str]:
        if op is LITERAL:
            return [chr(av)]
        if op is NOT_LITERAL:
            return ["y" if chr(av) == "x" else "x"]
        if op is ANY:
            return ["x"]
        if op is IN:
            return [char_in(av)]
        if op is AT:
            return [""]
        if op is BRANCH:
            return [sample for branch in av[1] for sample in self.expand(branch)]
        if op is SUBPATTERN:
            index, _, _, body = av
            name = self.names.get(index)
            return self.expand(body) if name is None else self.named(name, body)
        if op in (MAX_REPEAT, MIN_REPEAT):
            low, high, body = av
            if low == 0 and high == 1:
                return [""] + self.expand(body)
            return [self.expand(body)[0] * max(low, 1)]
        raise SampleError(f"pattern element {op} is not supported by the sample writer")

    def named(self, name: str, body: Any) -> list[str]:
        value = SAMPLE_VALUES.get(name)
        if value is not None and re.fullmatch(self.bodies[name], value):
            return [value]
        # No known value, or it does not fit: the group's own alternatives (membership_action is join|invite|...,
        # each a door of its own), with "x" for free text.
        return self.expand(body)


def samples_for(pattern: re.Pattern[str]) -> list[str]:
    samples = SampleWriter(pattern).samples()
    if not samples or len(samples) > MAX_SAMPLES:
        raise SampleError(f"{len(samples)} samples for {pattern.pattern}")
    for sample in samples:
        # Synapse matches with re.match (anchored at the start only), so that is the test a sample must pass.
        if not pattern.match(sample):
            raise SampleError(f"sample {sample!r} does not match its own pattern {pattern.pattern}")
    return samples
