"""API throughput: `GET /api/v1/people/{id}` under gunicorn, loaded by wrk on loopback.

gunicorn runs `centric.wsgi` with 4 workers on 127.0.0.1:8106 against the bench database with
production settings (CENTRIC_ENV=production, DEBUG off; TLS is assumed to end at a proxy, so
SECURE_SSL_REDIRECT is off). wrk (`-t2 -c8 -d10s --timeout 2s`) asks for random people the
token's user may see. wrk, gunicorn and PostgreSQL all share the machine's cores.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.measure import Result, Run

PORT = int(os.environ.get("BENCH_PORT", "8106"))
HOST = "127.0.0.1"
WORKERS = 4
WRK_ARGS = ["-t2", "-c8", "-d10s", "--timeout", "2s", "--latency"]
LUA = """
local ids = {%(ids)s}
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.headers["Accept"] = "application/json"
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", "/api/v1/people/" .. ids[math.random(#ids)])
end
"""


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_up(proc: subprocess.Popen, url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


def _parse_wrk(output: str) -> dict:
    result: dict[str, Any] = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(match.group(1))
    if match := re.search(r"(\d+) requests in ([\d.]+)(\w+)", output):
        result["requests"] = int(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = match.group(1).strip() if match else ""
    for pct in ("50", "99"):
        if match := re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(\w+)", output, re.M):
            value, unit = float(match.group(1)), match.group(2)
            result[f"p{pct}_ms"] = value * {"us": 0.001, "ms": 1, "s": 1000}.get(unit, 1)
    return result


def run_api(run: Run, args: Any) -> None:
    from bench.runners import bench_user, url_available, visible_ids
    from centric.staff.services.tokens import token_create

    bar = "≥ 400 requests/s (gunicorn -w 4, 2 cores)"
    name = "API: GET /api/v1/people/{id} (gunicorn + wrk, loopback)"
    wrk = shutil.which("wrk")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not url_available("/api/v1/people/1"):
        run.add(Result(name, "—", bar, None, "the API endpoint does not exist yet"))
        return
    if not wrk or not gunicorn.exists():
        missing = "wrk (apt-get install -y wrk)" if not wrk else "gunicorn"
        run.add(Result(name, "—", bar, None, f"{missing} is not installed"))
        return
    ids = visible_ids(5000, seed=404)
    _token, plain = token_create(user=bench_user(), name="bench")
    environment = {
        **os.environ,
        "CENTRIC_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
    }
    command = [
        str(gunicorn),
        "centric.wsgi",
        "-w",
        str(WORKERS),
        "-b",
        f"{HOST}:{PORT}",
        "--access-logfile",
        "/dev/null",
        "--log-level",
        "warning",
    ]
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in the finally below
        prefix="bench-gunicorn-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(
        command,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    script = Path(tempfile.mkstemp(prefix="bench-api-", suffix=".lua")[1])
    try:
        base = f"http://{HOST}:{PORT}"
        _wait_until_up(proc, f"{base}/healthz", time.monotonic() + 30)
        status, body = _get(f"{base}/api/v1/people/{ids[0]}", plain)
        if status != 200 or json.loads(body).get("id") != ids[0]:
            raise RuntimeError(f"GET /api/v1/people/{ids[0]} answered {status}: {body[:300]!r}")
        script.write_text(LUA % {"ids": ",".join(map(str, ids)), "token": plain, "seed": 404})
        target = f"{base}/"
        warm = ["-t2", "-c8", "-d3s", "--timeout", "2s"]
        subprocess.run([wrk, *warm, "-s", str(script), target], capture_output=True, timeout=60)
        completed = subprocess.run(
            [wrk, *WRK_ARGS, "-s", str(script), target],
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = completed.stdout + completed.stderr
        figures = _parse_wrk(output)
        if "rps" not in figures:
            raise RuntimeError(f"could not read wrk's output:\n{output}")
        rps = figures["rps"]
        errors = figures["non_2xx"]
        detail = (
            f"{rps:.0f} requests/s ({figures.get('requests', 0):,} requests in 10 s, "
            f"latency p50 {figures.get('p50_ms', float('nan')):.1f} ms, "
            f"p99 {figures.get('p99_ms', float('nan')):.1f} ms, non-2xx {errors})"
        )
        note = f"wrk {' '.join(WRK_ARGS)}; gunicorn -w {WORKERS}; 5,000 random visible ids"
        if errors or figures["socket_errors"]:
            note += f"; ERRORS: non-2xx {errors} {figures['socket_errors']}"
        run.add(Result(name, detail, bar, rps >= 400 and not errors, note))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        script.unlink(missing_ok=True)
        log.close()
        tail = Path(log.name).read_text(errors="replace")[-2000:]
        if proc.returncode not in (0, -signal.SIGTERM) and tail:
            print(f"    gunicorn log: {tail}")
        Path(log.name).unlink(missing_ok=True)
