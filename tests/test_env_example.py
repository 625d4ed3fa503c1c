""".env.example documents every environment variable the product reads (code, endpoints, credentials)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("actions/*.py"), *ROOT.glob("policies_db/*.py"),
           ROOT / "scripts" / "cluster.py", ROOT / "scripts" / "serve.sh", ROOT / "endpoints.yml",
           ROOT / "credentials.yml", ROOT / "deploy" / "endpoints.cluster.yml"]
READ = re.compile(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']|\$\{([A-Z][A-Z0-9_]+)(?::-[^}]*)?\}|\$([A-Z][A-Z0-9_]+)\b""")
NOT_CONFIGURATION = {"PATH", "HOME", "PWD"}


def test_every_variable_read_is_documented():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    read = {name for path in SOURCES for match in READ.finditer(path.read_text(encoding="utf-8"))
            for name in match.groups() if name} - NOT_CONFIGURATION
    assert read, "no variables found: the pattern is broken"
    missing = sorted(read - documented)
    assert not missing, f"undocumented in .env.example: {missing}"
