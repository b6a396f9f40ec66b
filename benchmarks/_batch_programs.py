"""The programs ``benchmarks/batch.py`` times beside ``storykit convert``.

Each runs in a process of its own, as the command does (``python -c PROGRAM ARCHIVE OUT``):

- ``FLOOR``: reads each file of the archive and writes its raw text as a JSON string line,
  the least a conversion does;
- ``FLOOR_AHEAD``: the same, asking the kernel for the next files as storykit's folder walk
  does (``posix_fadvise(WILLNEED)``), for the cold-cache runs;
- ``LIBRARY_FLOOR``: reads each file with the dump reader and writes it with the JSON
  writer, with no command around them;
- ``CPU``: a unit of pure-Python work (``python -c CPU N``), to measure what two CPU-bound
  processes gain over one on this machine.
"""

FLOOR = r"""
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
def walk(top):
    names = sorted(os.listdir(top))
    for name in names:
        path = os.path.join(top, name)
        if os.path.isdir(path):
            yield from walk(path)
        elif name.endswith(".txt"):
            yield path
"""
_FLOOR_SINK = r"""
with open(out, "w", encoding="utf-8") as sink:
    for path in walk(root):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        sink.write(json.dumps(text, ensure_ascii=False) + "\n")
"""
FLOOR += _FLOOR_SINK

FLOOR_AHEAD = r"""
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
AHEAD = 64
def ahead(top, names, start):
    for name in names[start : start + AHEAD]:
        try:
            fd = os.open(os.path.join(top, name), os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        os.posix_fadvise(fd, 0, 1 << 20, os.POSIX_FADV_WILLNEED)
        os.close(fd)
def walk(top):
    names = sorted(os.listdir(top))
    files = [n for n in names if n.endswith(".txt")]
    asked = k = 0  # files asked for, files read
    for name in names:
        path = os.path.join(top, name)
        if os.path.isdir(path):
            yield from walk(path)
        elif name.endswith(".txt"):
            if k + AHEAD > asked:  # keep AHEAD to twice that asked for
                ahead(top, files, asked)
                asked += AHEAD
            k += 1
            yield path
"""
FLOOR_AHEAD += _FLOOR_SINK

LIBRARY_FLOOR = r"""
import os, sys
from storykit.formats import json as json_format, text as text_format
root, out = sys.argv[1], sys.argv[2]
def walk(top):
    for name in sorted(os.listdir(top)):
        path = os.path.join(top, name)
        if os.path.isdir(path):
            yield from walk(path)
        elif name.endswith(".txt"):
            yield path
with open(out, "w", encoding="utf-8") as sink:
    for path in walk(root):
        with open(path, "rb") as f:
            story = text_format.read(f.read().decode("utf-8"))[0]
        sink.write(json_format.dumps(story, indent=None) + "\n")
"""

CPU = "import sys\nn = int(sys.argv[1])\ntotal = 0\nfor i in range(n):\n    total += i * i % 7\n"
