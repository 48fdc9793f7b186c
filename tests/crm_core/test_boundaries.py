"""crm_core stays a leaf: it imports no sibling package of the project."""

from __future__ import annotations

import ast
from pathlib import Path

import crm_core

SIBLINGS = {"cti", "acd", "ivr", "agent_ws", "sim", "dialer", "callcenter", "bench", "prompts"}


def test_crm_core_imports_no_sibling_package() -> None:
    root = Path(crm_core.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in SIBLINGS]
    assert offenders == []
