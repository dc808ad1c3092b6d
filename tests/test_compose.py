"""The Docker setup (docker-compose.yml, Dockerfile, .env.example), checked for what users rely on.

No Docker engine is needed: the files are read and compared with the code. Neo4j
stays on this machine, compose refuses to start without a password, the dashboard
waits for a healthy Neo4j, relmap containers get only variables relmap reads and
run only commands relmap has, and no password is committed. When the ``docker
compose`` client is installed, the last tests also let it interpolate the file.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from relmap.cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
#: The packages whose sources say which environment variables relmap reads.
CODE_DIRS = ("graph", "ingest", "relmap", "dashboard")
#: Variables only the dashboard reads; allowed on the dashboard service before its code exists.
DASHBOARD_ONLY = {"RELMAP_DASHBOARD_PASSWORD"}
#: NEO4J_* variables the neo4j image uses itself; it turns every other NEO4J_* variable
#: into a neo4j.conf setting, and Neo4j 5 refuses to start on an unknown setting.
NEO4J_IMAGE_CONTROLS = {"NEO4J_AUTH", "NEO4J_AUTH_PATH", "NEO4J_PLUGINS", "NEO4J_ACCEPT_LICENSE_AGREEMENT",
                        "NEO4J_DEBUG", "NEO4J_EDITION", "NEO4J_HOME"}
NO_DASHBOARD = "the dashboard command arrives with the dashboard issue"


# -- reading the files ------------------------------------------------------------------
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def relmap_services() -> dict[str, dict[str, Any]]:
    """The services that run this repository's image (built from the Dockerfile)."""
    return {name: s for name, s in services().items() if "build" in s}


def env_names(service: dict[str, Any]) -> set[str]:
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return set(env)
    return {item.split("=", 1)[0] for item in env}


def env_value(service: dict[str, Any], name: str) -> str | None:
    env = service.get("environment") or {}
    if isinstance(env, dict):
        value = env.get(name)
        return None if value is None else str(value)
    for item in env:
        key, _, value = item.partition("=")
        if key == name:
            return value
    return None


def strings(node: Any) -> Iterator[str]:
    """Every string value in a loaded YAML document (comments are gone by then)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


_REFERENCE = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


def compose_variables() -> set[str]:
    """The variables compose interpolates (``${VAR...}`` / ``$VAR``; ``$$`` is a literal ``$``)."""
    names: set[str] = set()
    for text in strings(compose()):
        for braced, bare in _REFERENCE.findall(text.replace("$$", "")):
            names.add(braced or bare)
    return names


def env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example: '{line}' is not KEY=VALUE"
        values[key.strip()] = value.strip()
    return values


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined: list[str] = []
    current = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not current and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        joined.append(current + raw)
        current = ""
    pairs = []
    for line in joined:
        word, _, rest = line.strip().partition(" ")
        pairs.append((word.upper(), rest.strip()))
    return pairs


def dockerfile_cmd() -> list[str]:
    cmds = [rest for word, rest in dockerfile_instructions() if word == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    argv = json.loads(cmds[-1])  # exec form: no shell between Docker and relmap
    assert isinstance(argv, list)
    return [str(a) for a in argv]


def env_vars_read_by_code() -> set[str]:
    """Names the relmap sources read: os.environ[...] / .get / getenv / ``in``, and click's envvar=."""

    def is_environ(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and node.id == "environ")

    def literal_names(node: ast.AST | None) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, (ast.List, ast.Tuple)):
            return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return []

    names: set[str] = set()
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
                if isinstance(node, ast.Call):
                    func = node.func
                    if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") \
                            and is_environ(func.value) and node.args:
                        names.update(literal_names(node.args[0]))
                    elif ((isinstance(func, ast.Attribute) and func.attr == "getenv")
                          or (isinstance(func, ast.Name) and func.id == "getenv")) and node.args:
                        names.update(literal_names(node.args[0]))
                    for kw in node.keywords:
                        if kw.arg == "envvar":
                            names.update(literal_names(kw.value))
                elif isinstance(node, ast.Subscript) and is_environ(node.value):
                    names.update(literal_names(node.slice))
                elif isinstance(node, ast.Compare) and any(is_environ(c) for c in node.comparators):
                    names.update(literal_names(node.left))
    return names


def documented_commands() -> list[list[str]]:
    """The ``docker compose run --rm SERVICE relmap ...`` examples in the compose file's comments."""
    found = []
    for line in COMPOSE_FILE.read_text(encoding="utf-8").splitlines():
        match = re.search(r"docker compose run --rm \S+ (relmap\b.*)", line)
        if match and line.lstrip().startswith("#"):
            found.append(shlex.split(match.group(1), comments=True))
    return found


def all_commands() -> list[tuple[str, list[str]]]:
    """Every relmap command line the Docker files run or document, with where it comes from."""
    found = [("Dockerfile CMD", dockerfile_cmd())]
    for name, service in relmap_services().items():
        command = service.get("command")
        if command is not None:
            argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
            found.append((f"compose {name}", argv))
    found += [(f"compose comment {i + 1}", argv) for i, argv in enumerate(documented_commands())]
    return found


COMMANDS = all_commands()
EXISTING = [(where, argv) for where, argv in COMMANDS if argv[1:2] != ["dashboard"]]
DASHBOARD = [(where, argv) for where, argv in COMMANDS if argv[1:2] == ["dashboard"]]


def parses(argv: list[str]) -> None:
    """Let click parse ``argv`` (after ``relmap``) exactly as the console script would, without running it."""
    assert argv[0] == "relmap", f"{argv} does not run relmap"
    assert len(argv) > 1 and argv[1] in cli.commands, f"{argv}: relmap has no command '{argv[1:2]}'"
    command = cli.commands[argv[1]]
    with command.make_context(f"relmap {argv[1]}", list(argv[2:])):
        pass


# -- Neo4j ---------------------------------------------------------------------------------
def test_neo4j_is_community_5_26() -> None:
    assert services()["neo4j"]["image"] == "neo4j:5.26-community"


def test_compose_refuses_to_start_without_a_password() -> None:
    # ":?" (not "?") also refuses an EMPTY value, which is what .env.example holds.
    auth = env_value(services()["neo4j"], "NEO4J_AUTH")
    assert auth is not None and auth.startswith("neo4j/${NEO4J_PASSWORD:?"), auth
    for text in strings(compose()):
        for use in re.findall(r"\$\{NEO4J_PASSWORD[^}]*\}", text.replace("$$", "")):
            assert use.startswith("${NEO4J_PASSWORD:?"), f"{use} would let compose start without a password"


def test_ports_are_bound_to_localhost_only() -> None:
    published: dict[str, set[int]] = {}
    for name, service in services().items():
        for port in service.get("ports", []):
            if isinstance(port, dict):
                host_ip, container = port.get("host_ip"), port["target"]
            else:
                parts = str(port).split(":")
                assert len(parts) == 3, f"{name}: port '{port}' does not name the host address"
                host_ip, container = parts[0], parts[2].split("/")[0]
            assert host_ip == "127.0.0.1", f"{name}: port '{port}' is reachable from the network"
            published.setdefault(name, set()).add(int(container))
    assert published["neo4j"] == {7474, 7687}
    assert published["dashboard"] == {8501}


def test_neo4j_keeps_its_data_in_named_volumes() -> None:
    declared = compose().get("volumes") or {}
    mounts = {}
    for volume in services()["neo4j"].get("volumes", []):
        source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) else volume.split(":")[:2]
        mounts[target] = source
    assert mounts.get("/data") == "neo4j-data" and "neo4j-data" in declared
    assert mounts.get("/logs") == "neo4j-logs" and "neo4j-logs" in declared


def test_neo4j_container_gets_no_variable_the_image_would_misread() -> None:
    for name in env_names(services()["neo4j"]):
        if name.startswith("NEO4J_") and name not in NEO4J_IMAGE_CONTROLS:
            assert re.fullmatch(r"NEO4J_[a-z][a-z0-9_]*", name), (
                f"the neo4j image would turn {name} into a neo4j.conf setting, and Neo4j 5 refuses unknown ones")


def test_neo4j_memory_is_set_and_overridable() -> None:
    neo4j = services()["neo4j"]
    for setting in ("NEO4J_server_memory_heap_max__size", "NEO4J_server_memory_pagecache_size"):
        value = env_value(neo4j, setting)
        assert value is not None and re.fullmatch(r"\$\{[A-Z0-9_]+:-\d+[kmgKMG]\}", value), (setting, value)


# -- relmap services ---------------------------------------------------------------------
def test_services_waiting_for_health_wait_for_a_real_healthcheck() -> None:
    all_services = services()
    assert all_services["dashboard"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert all_services["ingest"]["depends_on"]["neo4j"]["condition"] == "service_healthy"
    for name, service in all_services.items():
        depends = service.get("depends_on") or {}
        for dependency, how in (depends.items() if isinstance(depends, dict) else []):
            if how.get("condition") == "service_healthy":
                check = all_services[dependency].get("healthcheck") or {}
                assert check.get("test") and not check.get("disable"), (
                    f"{name} waits for {dependency} to be healthy, which has no health check")


def test_ingest_runs_only_on_request() -> None:
    ingest = services()["ingest"]
    assert ingest.get("profiles") == ["tools"]  # so `docker compose up` does not run it
    assert ingest["command"] == ["relmap", "ingest", "/data/in"]
    mounts = ingest.get("volumes", [])
    assert len(mounts) == 1
    mount = mounts[0]
    if isinstance(mount, dict):
        assert (mount["source"], mount["target"], mount.get("read_only")) == (
            "${RELMAP_INPUT:-./examples/demo}", "/data/in", True)
    else:
        assert mount == "${RELMAP_INPUT:-./examples/demo}:/data/in:ro"


def test_the_bulk_import_jobs_run_only_on_request_and_share_the_files() -> None:
    files, importer = services()["neo4j-import-files"], services()["neo4j-import"]
    assert files.get("profiles") == importer.get("profiles") == ["bulk"]
    assert not files.get("depends_on") and not importer.get("depends_on"), "the importer needs Neo4j stopped"
    written = files["command"][-1]
    volume = next(m.split(":")[0] for m in files["volumes"] if isinstance(m, str) and m.endswith(":" + written))
    read = next(m for m in importer["volumes"] if isinstance(m, dict) and m["source"] == volume)
    assert importer["working_dir"] == read["target"] and "@import.args" in importer["command"]
    assert "neo4j-data:/data" in importer["volumes"] and importer["image"] == services()["neo4j"]["image"]


def test_relmap_services_reach_neo4j_with_the_password() -> None:
    assert set(relmap_services()) >= {"dashboard", "ingest"}
    for name, service in relmap_services().items():
        store = env_value(service, "RELMAP_STORE")
        assert store is not None
        match = re.fullmatch(r"(?:bolt|neo4j)://([\w.-]+):(\d+)", store)
        assert match and match.group(1) in services() and match.group(2) == "7687", (name, store)
        password = env_value(service, "NEO4J_PASSWORD")
        assert password is not None and password.startswith("${NEO4J_PASSWORD:?"), (name, password)


def test_relmap_services_pass_only_variables_relmap_reads() -> None:
    read = env_vars_read_by_code()
    assert "RELMAP_STORE" in read, "the scan of the sources found nothing: fix env_vars_read_by_code"
    pending = set() if "dashboard" in cli.commands else DASHBOARD_ONLY
    for name, service in relmap_services().items():
        assert "env_file" not in service, f"{name}: env_file would pass every .env setting, unchecked"
        allowed = read | (pending if name == "dashboard" else set())
        unknown = env_names(service) - allowed
        assert not unknown, f"{name} sets {sorted(unknown)}, which no code under {CODE_DIRS} reads"


def test_dashboard_reads_its_password_variable() -> None:
    if "dashboard" not in cli.commands:
        pytest.skip(NO_DASHBOARD)
    assert DASHBOARD_ONLY <= env_vars_read_by_code(), (
        f"docker-compose.yml passes {sorted(DASHBOARD_ONLY)}, which the dashboard code does not read")


@pytest.mark.parametrize("where, argv", EXISTING, ids=[w for w, _ in EXISTING])
def test_commands_exist_and_parse(where: str, argv: list[str]) -> None:
    parses(argv)


@pytest.mark.parametrize("where, argv", DASHBOARD, ids=[w for w, _ in DASHBOARD])
def test_dashboard_command_exists_and_parses(where: str, argv: list[str]) -> None:
    if "dashboard" not in cli.commands:
        pytest.skip(NO_DASHBOARD)
    parses(argv)


def test_the_image_and_compose_agree_on_the_dashboard() -> None:
    cmd = dockerfile_cmd()
    assert cmd == services()["dashboard"]["command"] == [
        "relmap", "dashboard", "--address", "0.0.0.0", "--port", "8501"]
    instructions = dockerfile_instructions()
    exposed = {rest for word, rest in instructions if word == "EXPOSE"}
    health = [rest for word, rest in instructions if word == "HEALTHCHECK"]
    assert exposed == {"8501"}
    assert len(health) == 1 and "/_stcore/health" in health[0] and ":8501/" in health[0]
    assert "curl" not in health[0]  # python:3.11-slim has no curl
    assert any(word == "USER" and rest not in ("root", "0") for word, rest in instructions), "runs as root"


def test_the_image_installs_relmap_as_a_package_with_its_example_story_and_fonts() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    # a regular install: the example story and the dashboard ship inside the package, and the
    # build checks that `relmap demo` finds the story there
    runs = [rest for word, rest in instructions if word == "RUN"]
    assert any(re.search(r"pip install (--\S+ )*/tmp/relmap-src(\s|$)", rest) for rest in runs), runs
    assert not any(re.search(r"pip install .*(-e|--editable) ", rest) for rest in runs)
    assert any("EXAMPLES / 'people.csv'" in rest for rest in runs)
    # names in Chinese, Japanese or Korean do not show as boxes
    assert any("fonts-noto-cjk" in rest and "apt-get install" in rest for rest in runs)
    for kept in ("examples/demo/people.csv", "relmap/cli/data.py", "graph/store/neo4j/__init__.py", "pyproject.toml"):
        assert not dockerignored(kept), f".dockerignore keeps {kept} out of the image"
    for dropped in (".env", ".git/config", ".venv/bin/python", "relmap-data/graph.db", ".neo4j/data"):
        assert dockerignored(dropped), f".dockerignore lets {dropped} into the image"


def dockerignored(path: str) -> bool:
    """Whether .dockerignore excludes ``path`` (its patterns, ``**`` and ``!`` included)."""
    excluded = False
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*") \
            .replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


# -- .env.example and secrets ---------------------------------------------------------------
def test_env_example_lists_every_variable_compose_uses() -> None:
    example = env_example()
    missing = compose_variables() - set(example)
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_env_example_holds_no_password() -> None:
    example = env_example()
    assert example.get("NEO4J_PASSWORD") == ""
    for key, value in example.items():
        if "PASSWORD" in key or "SECRET" in key or "TOKEN" in key:
            assert value == "", f".env.example sets {key}"


#: NEO4J_PASSWORD=... in an env file, a shell script or a compose list (anywhere).
_ASSIGNED = re.compile(r"^\s*(?:-\s*)?(?:export\s+)?NEO4J_PASSWORD\s*=\s*(.*)$")
#: NEO4J_PASSWORD: ... as a YAML key (only in YAML files: elsewhere it may be prose).
_YAML_KEY = re.compile(r"^\s*(?:-\s*)?NEO4J_PASSWORD:\s+(.*)$")
#: ENV NEO4J_PASSWORD=... / ENV NEO4J_PASSWORD ... (only in Dockerfiles).
_DOCKER_ENV = re.compile(r"^\s*ENV\s+NEO4J_PASSWORD(?:=|\s+)(.*)$", re.IGNORECASE)


def password_set_on(name: str, line: str) -> str | None:
    """The password ``line`` of file ``name`` sets, if any (``$...`` references do not count)."""
    patterns = [_ASSIGNED]
    if name.endswith((".yml", ".yaml")):
        patterns.append(_YAML_KEY)
    if Path(name).name.startswith("Dockerfile") or name.endswith(".dockerfile"):
        patterns.append(_DOCKER_ENV)
    for pattern in patterns:
        match = pattern.match(line)
        if match:
            value = match.group(1).strip()
            value = "" if value.startswith("#") else value.split(" #")[0].strip().strip("'\"")
            if value and not value.startswith("$"):
                return value
    return None


def test_no_file_in_the_repository_sets_a_password() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    offenders = []
    for name in filter(None, listed):
        if name.startswith("tests/"):
            continue
        path = ROOT / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if password_set_on(name, line) is not None:
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, "passwords in the repository:\n" + "\n".join(offenders)


# -- with the real compose client, where there is one -----------------------------------------
def _docker_compose() -> list[str] | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    return [docker, "compose"] if probe.returncode == 0 else None


def _compose_config(tmp_path: Path, env_file_text: str) -> subprocess.CompletedProcess[str]:
    client = _docker_compose()
    if client is None:
        pytest.skip("no `docker compose` client on this machine")
    env_file = tmp_path / "env"
    env_file.write_text(env_file_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in env_example() and not k.startswith("COMPOSE_")}
    return subprocess.run(client + ["--project-directory", str(ROOT), "-f", str(COMPOSE_FILE),
                                    "--env-file", str(env_file), "--profile", "tools", "config", "--quiet"],
                          capture_output=True, text=True, env=env, timeout=60)


def test_docker_compose_refuses_the_example_env(tmp_path: Path) -> None:
    result = _compose_config(tmp_path, ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert result.returncode != 0
    assert "NEO4J_PASSWORD" in result.stderr


def test_docker_compose_accepts_a_password(tmp_path: Path) -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8").replace("\nNEO4J_PASSWORD=\n", "\nNEO4J_PASSWORD=not-a-real-pw-42\n")
    result = _compose_config(tmp_path, text)
    assert result.returncode == 0, result.stderr


def test_every_password_reference_is_required() -> None:
    """Also the unbraced form: ``$NEO4J_PASSWORD`` would interpolate to an empty password."""
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    uses = 0
    for value in strings(compose()):
        value = value.replace("$$", "")
        for braced, bare in _REFERENCE.findall(value):
            if (braced or bare) == "NEO4J_PASSWORD":
                uses += 1
                assert braced, f"'{value}' uses $NEO4J_PASSWORD without ':?' (compose would start without it)"
    assert uses >= 2  # the neo4j container's NEO4J_AUTH and the relmap services
    assert "${NEO4J_PASSWORD:?" in text and "NEO4J_PASSWORD:-" not in text and "NEO4J_PASSWORD-" not in text


def _compose_json(tmp_path: Path, env_file_text: str) -> subprocess.CompletedProcess[str]:
    client = _docker_compose()
    if client is None:
        pytest.skip("no `docker compose` client on this machine")
    env_file = tmp_path / "env"
    env_file.write_text(env_file_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "DOCKER_CONFIG")}
    return subprocess.run(client + ["--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), "--env-file",
                                    str(env_file), "--profile", "tools", "config", "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=60)


def test_docker_compose_refuses_a_missing_password(tmp_path: Path) -> None:
    # No .env line at all and nothing in the environment (not just an empty value).
    text = "\n".join(line for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("NEO4J_PASSWORD="))
    result = _compose_json(tmp_path, text)
    assert result.returncode != 0
    assert "NEO4J_PASSWORD" in result.stderr and "set NEO4J_PASSWORD in .env" in result.stderr, result.stderr
    assert result.stdout.strip() == ""


def test_docker_compose_passes_the_password_where_it_is_used(tmp_path: Path) -> None:
    secret = "not-a-real-pw-" + os.urandom(4).hex()
    text = ENV_EXAMPLE.read_text(encoding="utf-8").replace("\nNEO4J_PASSWORD=\n", f"\nNEO4J_PASSWORD={secret}\n")
    result = _compose_json(tmp_path, text)
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)["services"]
    assert resolved["neo4j"]["environment"]["NEO4J_AUTH"] == f"neo4j/{secret}"
    assert "NEO4J_PASSWORD" not in resolved["neo4j"]["environment"]
    for name in relmap_services():
        assert resolved[name]["environment"]["NEO4J_PASSWORD"] == secret, name
    # the health check reads the password inside the container, not from compose's environment
    check = " ".join(resolved["neo4j"]["healthcheck"]["test"])
    assert secret not in check and "NEO4J_AUTH#neo4j/" in check
