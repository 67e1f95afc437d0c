"""YAML with line numbers, and the `path:line: message` problems every course check reports."""
from dataclasses import dataclass
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# ---- problems ---------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class Problems(list):
    def add(self, path: str, line: int | None, message: str) -> None:
        self.append(Problem(path, max(1, line or 1), message))


# ---- YAML with line numbers ---------------------------------------------------------------

class LineDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)

    def value_line(self, key) -> int:
        """Where the value's text starts: the line below `key: |` or `key: >`."""
        return self.value_lines.get(key, self.line_of(key))


class LineList(list):
    line = 1

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class _LineLoader(_Base):
    def __init__(self, stream, offset: int = 0):
        super().__init__(stream)
        self.offset = offset
        self.duplicates: list[tuple[int, str]] = []


def _construct_mapping(loader: _LineLoader, node):
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1 + loader.offset
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.offset
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in mapping:
            loader.duplicates.append((line, f"duplicate key '{key}' (first at line {mapping.lines[key]})"))
        mapping[key] = loader.construct_object(value_node, deep=True)
        if key not in mapping.lines:
            mapping.lines[key] = line
            block = getattr(value_node, "style", None) in ("|", ">")
            mapping.value_lines[key] = value_node.start_mark.line + 1 + loader.offset + block
    return mapping


def _construct_sequence(loader: _LineLoader, node):
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1 + loader.offset
    items.lines = [child.start_mark.line + 1 + loader.offset for child in node.value]
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str, path: str, problems: Problems, offset: int = 0):
    """The document in `text`, or None after reporting why it cannot be read.
    `offset` is the number of file lines above the text (front matter starts below `---`)."""
    loader = _LineLoader(text, offset)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + offset if mark else offset + 1
        problems.add(path, line, f"YAML syntax error: {error.problem or error.context}")
        return None
    except yaml.YAMLError as error:
        problems.add(path, offset + 1, f"YAML syntax error: {error}")
        return None
    finally:
        loader.dispose()
    for line, message in loader.duplicates:
        problems.add(path, line, message)
    return data
