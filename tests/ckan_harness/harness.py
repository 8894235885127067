"""Bring up a real, throwaway CKAN (2.11.6 or 2.12.0) on 127.0.0.1 for integration tests.

One `CkanHarness` owns one instance: PostgreSQL (own cluster, own port),
Redis, the Solr stand-in (solr_standin.py) and CKAN under gunicorn, each on a
free port chosen at start, with all state in one work directory. Each CKAN
version runs from its own virtualenv cached under
<repo>/.cache/ckan-venv-<version> (rebuilt only when that version's pinned
requirements or the base Python change).

    with CkanHarness(version="2.11.6") as ckan:   # default: DEFAULT_VERSION (2.12.0)
        requests.get(ckan.url + "/api/3/action/status_show")
        ...                              # h.stop() when not using `with`

`stop()` signals exactly the processes it started (after checking each PID's
command line still is that process) and removes the work directory.
Set CKAN_HARNESS_KEEP=1 to keep the work directory (logs) after stop.
"""

from __future__ import annotations

import atexit
import dataclasses
import fcntl
import http.client
import json
import logging
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger("ckan_harness")

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
LICENSES_FILE = HERE / "licenses.json"
SOLR_STANDIN = HERE / "solr_standin.py"


@dataclasses.dataclass(frozen=True)
class VersionProfile:
    """What differs between the CKAN versions the harness runs."""

    #: what goes into that version's cached virtualenv; changing it (or the
    #: base Python) invalidates the cache
    requirements: tuple
    #: ini settings on top of the common ones (none needed so far: 2.11 and
    #: 2.12 take the same keys; both generate `ckan.plugins = activity`, which
    #: the harness replaces with `dcat` on both)
    settings: tuple = ()
    #: `ckan sysadmin add USER --create ...` creates a missing user (2.12);
    #: 2.11 has no --create and asks "Create new user: USER? [Y/n]" instead,
    #: answered on stdin
    sysadmin_create_flag: bool = True


#: Extensions in every venv, enabled per instance (``CkanHarness(plugins=...)``): a scheming portal
#: (ckanext-dcat's DCAT-AP schemas) and an aggregator that harvests (issue 16).
_EXTENSIONS = ("ckanext-scheming==3.1.0", "ckanext-harvest==1.6.3")

#: The CKAN versions the harness can run. ckanext-dcat 2.4.4 supports CKAN 2.10
#: and 2.11 (its docs) and 2.12 (2.4.2 fixed "AttributeError on CKAN 2.12");
#: `pip check` is clean with both. Both accept the stand-in's `ckan-2.10` Solr
#: schema (SUPPORTED_SCHEMA_VERSIONS), and both set up with `ckan db init`,
#: `ckan sysadmin add --create`... / `ckan user token add`.
VERSIONS: dict[str, VersionProfile] = {
    "2.11.6": VersionProfile(
        requirements=(
            "ckan[requirements]==2.11.6",
            "ckanext-dcat==2.4.4",
            *_EXTENSIONS,
            "gunicorn==27.0.1",
        ),
        sysadmin_create_flag=False,
    ),
    "2.12.0": VersionProfile(
        requirements=(
            "ckan[requirements]==2.12.0",
            "ckanext-dcat==2.4.4",
            *_EXTENSIONS,
            "gunicorn==27.0.1",
        )
    ),
}
CKAN_VERSIONS = tuple(VERSIONS)
DEFAULT_VERSION = "2.12.0"


def profile(version: str) -> VersionProfile:
    try:
        return VERSIONS[version]
    except KeyError:
        raise ValueError(
            f"unsupported CKAN version {version!r}; the harness runs {', '.join(VERSIONS)}"
        ) from None


def venv_dir(version: str = DEFAULT_VERSION) -> Path:
    """The cached virtualenv of one CKAN version: <repo>/.cache/ckan-venv-<version>."""
    profile(version)
    return REPO_ROOT / ".cache" / f"ckan-venv-{version}"


#: the default version's requirements and venv (kept for existing callers)
REQUIREMENTS = VERSIONS[DEFAULT_VERSION].requirements
VENV_DIR = venv_dir(DEFAULT_VERSION)
SYSADMIN = "harness_admin"
ORGANIZATION = "harness-org"
SITE_ID = "default"
STATE_FILE = "harness-state.json"
ENV_FILE = "ckan.env"

_NO_PROXY = "127.0.0.1,localhost"
# The harness talks only to loopback: never through an HTTP proxy from the env.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class HarnessError(RuntimeError):
    """A start-up (or stop) step failed. The message names the step and ends
    with the tail of that step's log file, if it has one."""

    def __init__(self, step: str, detail: str, logfile: Path | None = None):
        self.step, self.logfile = step, logfile
        msg = f"CKAN harness step '{step}' failed: {detail}"
        if logfile is not None:
            msg += f"\n--- last lines of {logfile} ---\n{tail(logfile)}"
        super().__init__(msg)


@dataclasses.dataclass(frozen=True, eq=False)
class CkanInstance:
    url: str  #: e.g. http://127.0.0.1:40123 (no trailing slash)
    token: str = dataclasses.field(repr=False)  #: sysadmin API token
    sysadmin: str  #: sysadmin user name
    organization: str  #: name of an organization created at start
    ini_path: Path
    venv_python: Path  #: python of the CKAN venv (ckanext-dcat, rdflib, ...)
    storage_path: Path  #: ckan.storage_path (uploads land in resources/)
    pids: dict  #: name -> PID of every process the harness started
    workdir: Path
    env_file: Path  #: KEY=value lines: CKAN_URL, CKAN_API_TOKEN, ...
    solr_url: str
    log_dir: Path
    max_resource_size_mb: int
    ports: dict  #: name -> TCP port on 127.0.0.1 (ckan, postgres, redis, solr)
    version: str = DEFAULT_VERSION  #: the CKAN version, e.g. "2.11.6"
    stock_licenses: bool = False  #: CKAN's own licence list instead of licenses.json

    @property
    def api(self) -> str:
        return self.url + "/api/3/action/"

    _SYSADMIN = object()

    def session(self, token=_SYSADMIN):
        """A `requests.Session` for this CKAN: ignores proxy settings from the
        environment (loopback only) and sends the sysadmin token, or `token`
        if given (None: anonymous)."""
        import requests  # the project's dependency; the harness core is stdlib-only

        s = requests.Session()
        s.trust_env = False
        tok = self.token if token is CkanInstance._SYSADMIN else token
        if tok is not None:
            s.headers["Authorization"] = tok
        return s

    def env(self) -> dict:
        return {
            "CKAN_URL": self.url,
            "CKAN_API_TOKEN": self.token,
            "CKAN_SYSADMIN": self.sysadmin,
            "CKAN_ORGANIZATION": self.organization,
            "CKAN_INI": str(self.ini_path),
            "CKAN_VENV_PYTHON": str(self.venv_python),
            "CKAN_STORAGE_PATH": str(self.storage_path),
            "CKAN_HARNESS_DIR": str(self.workdir),
            "CKAN_VERSION": self.version,
        }


# ------------------------------------------------------------- helpers ---
def tail(path: Path, lines: int = 40) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 16384))
            text = fh.read().decode("utf-8", "replace")
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def proc_state(pid: int) -> str | None:
    """Process state letter ('R', 'S', 'Z', ...) or None if there is none."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def running(pid: int) -> bool:
    st = proc_state(pid)
    return st is not None and st not in ("Z", "X")


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def wait_until(pred, timeout: float, interval: float = 0.1) -> bool:
    end = time.monotonic() + timeout
    while True:
        if pred():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(interval)


def http_json(
    url: str, data: dict | None = None, token: str | None = None, timeout: float = 30
) -> tuple[int, dict]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", token)
    try:
        with _http.open(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"{}")
        except ValueError:
            return e.code, {}
        finally:
            e.close()


@dataclasses.dataclass
class Proc:
    """A process the harness started; `markers` must all occur in its
    /proc/<pid>/cmdline before the harness will signal it."""

    name: str
    pid: int
    markers: list
    sig: int = signal.SIGTERM

    def is_ours(self) -> bool:
        cl = cmdline(self.pid)
        return bool(cl) and all(m in cl for m in self.markers)


def stop_proc(p: Proc, timeout: float = 20.0) -> str:
    if not running(p.pid):
        return f"{p.name} (PID {p.pid}) already gone"
    if not p.is_ours():
        return (
            f"{p.name}: PID {p.pid} is no longer {p.markers} "
            f"(cmdline {cmdline(p.pid)[:200]!r}); left alone"
        )
    kids = [k for k in children(p.pid) if Proc(p.name, k, p.markers).is_ours()]
    try:
        os.kill(p.pid, p.sig)
    except ProcessLookupError:
        pass
    how = "stopped"
    if not wait_until(lambda: not running(p.pid), timeout):
        if p.is_ours():
            os.kill(p.pid, signal.SIGKILL)
            how = f"killed (ignored {signal.Signals(p.sig).name} for {timeout:.0f}s)"
        wait_until(lambda: not running(p.pid), 5)
    # workers / backends of the same program that outlived their parent
    for k in kids:
        if (
            not wait_until(lambda k=k: not running(k), 5)
            and Proc(p.name, k, p.markers).is_ours()
        ):
            os.kill(k, signal.SIGKILL)
            wait_until(lambda k=k: not running(k), 5)
    if running(p.pid):
        raise HarnessError("stop", f"{p.name} (PID {p.pid}) is still running")
    return f"{p.name} (PID {p.pid}) {how}"


def _clean_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "PYTHONPATH",
            "PYTHONHOME",
            "VIRTUAL_ENV",
            "PYTHONSTARTUP",
            "CKAN_INI",
            "PIP_REQUIRE_VIRTUALENV",
        )
    }
    env["NO_PROXY"] = env["no_proxy"] = ",".join(
        x for x in (env.get("NO_PROXY") or env.get("no_proxy"), _NO_PROXY) if x
    )
    env.update(extra)
    return env


def run_step(
    step: str,
    argv: list,
    logfile: Path,
    *,
    timeout: float = 600,
    capture: bool = False,
    stdin_text: str | None = None,
    **kw,
) -> str:
    """Run argv with stdout+stderr appended to logfile (stdout returned instead
    when capture=True, so secrets such as tokens stay out of the log)."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "ab") as fh:
        shown = [
            "password=***" if str(a).startswith("password=") else str(a) for a in argv
        ]
        fh.write(f"$ {shlex.join(shown)}\n".encode())
        fh.flush()
        try:
            r = subprocess.run(
                [str(a) for a in argv],
                check=False,
                **(
                    {"input": stdin_text.encode()}
                    if stdin_text is not None
                    else {"stdin": subprocess.DEVNULL}
                ),
                stdout=subprocess.PIPE if capture else fh,
                stderr=fh,
                timeout=timeout,
                **kw,
            )
        except subprocess.TimeoutExpired:
            raise HarnessError(step, f"timed out after {timeout}s", logfile) from None
        except OSError as e:
            raise HarnessError(step, f"could not run {argv[0]}: {e}", logfile) from None
    if r.returncode != 0:
        name = Path(str(argv[0])).name
        raise HarnessError(step, f"{name} exited with status {r.returncode}", logfile)
    return r.stdout.decode("utf-8", "replace") if capture else ""


# ---------------------------------------------------------------- venv ---
def venv_python(venv: Path = VENV_DIR) -> Path:
    return venv / "bin" / "python"


def ensure_venv(
    logfile: Path,
    venv: Path | None = None,
    base_python: str | None = None,
    version: str = DEFAULT_VERSION,
) -> Path:
    """Create (or reuse) the virtualenv of CKAN `version`; returns its python.

    Reused when its stamp file records the same requirements and base Python.
    Serialised with a file lock, so parallel sessions share one build."""
    requirements = profile(version).requirements
    venv = venv or venv_dir(version)
    base_python = base_python or os.environ.get("CKAN_HARNESS_PYTHON") or sys.executable
    want = {
        "requirements": list(requirements),
        "base_python": subprocess.run(
            [base_python, "-c", "import sys; print(sys.version)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),
    }
    venv.parent.mkdir(parents=True, exist_ok=True)
    stamp = venv / "harness-stamp.json"
    with open(venv.parent / (venv.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if stamp.is_file() and venv_python(venv).exists():
                try:
                    if json.loads(stamp.read_text()) == want:
                        log.info("reusing CKAN venv %s", venv)
                        return venv_python(venv)
                except ValueError:
                    pass
            log.info("building CKAN venv %s (log: %s)", venv, logfile)
            if venv.exists():
                shutil.rmtree(venv)
            run_step(
                "venv", [base_python, "-m", "venv", venv], logfile, env=_clean_env()
            )
            run_step(
                "pip install",
                [
                    venv_python(venv),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--no-input",
                    *requirements,
                ],
                logfile,
                timeout=1200,
                env=_clean_env(),
            )
            run_step(
                "venv check",
                [
                    venv_python(venv),
                    "-c",
                    "import ckan, ckanext.dcat, ckanext.scheming, ckanext.harvest, gunicorn, psycopg2, rdflib, magic, sys; "
                    f"v = ckan.__version__; assert v == {version!r}, v",
                ],
                logfile,
                env=_clean_env(),
            )
            tmp = stamp.with_suffix(".tmp")
            tmp.write_text(json.dumps(want, indent=1) + "\n")
            os.replace(tmp, stamp)
            return venv_python(venv)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# ------------------------------------------------------------ postgres ---
def find_pg_bin() -> Path:
    cands = []
    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        )
        if out.returncode == 0:
            cands.append(Path(out.stdout.strip()))
    except OSError:
        pass

    def ver(p: Path):
        try:
            return float(p.parent.name)
        except ValueError:
            return 0.0

    cands += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=ver, reverse=True)
    for c in cands:
        if (
            (c / "initdb").exists()
            and (c / "pg_ctl").exists()
            and (c / "postgres").exists()
        ):
            return c
    raise HarnessError(
        "postgres",
        "PostgreSQL server binaries (initdb, pg_ctl) not found; run .ci/system-deps.sh",
    )


def _pg_user_kwargs() -> dict:
    """subprocess kwargs to run as the `postgres` OS user (postgres refuses to
    run as root); creates that user if missing. Not root: run as ourselves."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                "postgres",
            ],
            check=True,
            capture_output=True,
        )
        pw = pwd.getpwnam("postgres")
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


# ------------------------------------------------------------- harness ---
class CkanHarness:
    def __init__(
        self,
        workdir: Path | None = None,
        *,
        max_resource_size_mb: int = 10,
        workers: int = 2,
        stop_at_exit: bool = True,
        version: str = DEFAULT_VERSION,
        stock_licenses: bool = False,
        plugins: tuple[str, ...] = ("dcat",),
        settings: dict[str, str] | None = None,
        after_db_init: Callable[[CkanHarness, list, dict], None] | None = None,
    ):
        self.version = version
        #: ckan.plugins of this instance (the venv has scheming and harvest too: see _EXTENSIONS)
        self.plugins = tuple(plugins)
        #: ini settings on top of the harness's own (a scheming schema, DataStore URLs ...)
        self.extra_settings = dict(settings or {})
        #: called with (harness, ckan command prefix, env) after `ckan db init`: an extension's own
        #: tables (harvest), the DataStore's database and permissions ...
        self.after_db_init = after_db_init
        #: True: CKAN's own licence list (cc-by, other-at, ... no PDL-1.0): no
        #: `licenses_group_url`; False: licenses.json (CC-BY-4.0, PDL-1.0, ...)
        self.stock_licenses = bool(stock_licenses)
        self.profile = profile(version)
        self.requested_dir = Path(workdir).resolve() if workdir else None
        self.max_resource_size_mb = int(max_resource_size_mb)
        self.workers = int(workers)
        self.stop_at_exit = stop_at_exit
        self.workdir: Path | None = None
        self.created_workdir = False
        self.instance: CkanInstance | None = None
        self.timings: dict[str, float] = {}
        self._procs: list[Proc] = []
        self._lock = threading.Lock()
        self._popen: list[subprocess.Popen] = []
        self._extra_dirs: list[Path] = []
        self._owned: set[str] = set()
        self.ports: dict[str, int] = {}
        self._started = False

    @property
    def wd(self) -> Path:
        """The work directory (only while started)."""
        if self.workdir is None:
            raise RuntimeError("CkanHarness is not started")
        return self.workdir

    # -- context manager
    def __enter__(self) -> CkanInstance:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- bookkeeping
    def _add_proc(self, p: Proc):
        with self._lock:
            self._procs.append(p)
            self._save_state()

    def _save_state(self):
        if self.workdir is None:
            return
        state = {
            "procs": [dataclasses.asdict(p) for p in self._procs],
            "created_workdir": self.created_workdir,
            "extra_dirs": [str(d) for d in self._extra_dirs],
            "owned": sorted(self._owned),
        }
        tmp = self.workdir / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(state, indent=1))
        os.replace(tmp, self.workdir / STATE_FILE)

    def _timed(self, name: str, fn, *a, **kw):
        t0 = time.monotonic()
        try:
            return fn(*a, **kw)
        finally:
            self.timings[name] = round(time.monotonic() - t0, 2)
            log.info("%-10s %.2fs", name, self.timings[name])

    # -- start
    def start(self) -> CkanInstance:
        if self._started:
            raise RuntimeError("this CkanHarness was already started")
        self._started = True
        t0 = time.monotonic()
        self._prepare_dirs()
        try:
            inst = self._start()
        except BaseException as exc:
            try:
                self.stop()
            except Exception as e:  # noqa: BLE001 - report the first error
                log.error("cleanup after failed start: %s", e)
            if (
                isinstance(exc, HarnessError)
                and os.environ.get("CKAN_HARNESS_KEEP") != "1"
            ):
                exc.args = (
                    str(exc) + "\n(work directory removed; set CKAN_HARNESS_KEEP=1 "
                    "to keep it and all logs)",
                )
            raise
        self.timings["total"] = round(time.monotonic() - t0, 2)
        log.info(
            "CKAN %s ready at %s in %.1fs",
            self.version,
            inst.url,
            self.timings["total"],
        )
        return inst

    def _prepare_dirs(self):
        if self.requested_dir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="ckan-harness-"))
            self.created_workdir = True
        else:
            d = self.requested_dir
            if (d / STATE_FILE).exists():
                raise HarnessError(
                    "prepare",
                    f"{d} already holds a harness instance; "
                    f"stop it first (python -m tests.ckan_harness stop --dir {d})",
                )
            self.created_workdir = not d.exists()
            d.mkdir(parents=True, exist_ok=True)
            self.workdir = d
        if self.created_workdir:
            self.workdir.chmod(0o755)  # the postgres user must reach pg/
        elif not self.workdir.stat().st_mode & 0o001:
            log.warning(
                "%s is not world-searchable: the postgres user may not reach pg/",
                self.workdir,
            )
        names = (
            "pg",
            "redis",
            "storage",
            "logs",
            "run",
            "ckan.ini",
            "wsgi.py",
            ENV_FILE,
            STATE_FILE,
        )
        if not self.created_workdir:
            clash = [n for n in names if (self.workdir / n).exists()]
            if clash:
                raise HarnessError(
                    "prepare", f"{self.workdir} already contains {clash}"
                )
        self._owned = set(names)
        for sub in ("logs", "run", "storage", "redis", "pg"):
            (self.workdir / sub).mkdir()
        self._save_state()

    def _start(self) -> CkanInstance:
        wd = self.wd
        logs = wd / "logs"
        ckan_port, pg_port, redis_port, solr_port = free_ports(4)
        self.ports = {
            "ckan": ckan_port,
            "postgres": pg_port,
            "redis": redis_port,
            "solr": solr_port,
        }
        url = f"http://127.0.0.1:{ckan_port}"
        solr_url = f"http://127.0.0.1:{solr_port}/solr/ckan"
        ini = wd / "ckan.ini"
        db_pass = secrets.token_hex(16)

        def venv_and_config():
            py = self._timed(
                "venv", ensure_venv, logs / "venv.log", version=self.version
            )
            self._timed(
                "config",
                self._write_config,
                py,
                ini,
                url,
                solr_url,
                pg_port,
                redis_port,
                db_pass,
            )
            return py

        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="harness") as ex:
            futs = {
                "venv": ex.submit(venv_and_config),
                "postgres": ex.submit(
                    self._timed, "postgres", self._start_postgres, pg_port, db_pass
                ),
                "redis": ex.submit(self._timed, "redis", self._start_redis, redis_port),
                "solr": ex.submit(self._timed, "solr", self._start_solr, solr_port),
            }
            errors = []
            for f in futs.values():
                try:
                    f.result()
                except BaseException as e:  # noqa: BLE001 - collect all, raise the first
                    errors.append(e)
            if errors:
                for other in errors[1:]:
                    log.error("also failed: %s", str(other).splitlines()[0])
                raise errors[0]
        py = futs["venv"].result()
        ckan = [py.parent / "ckan", "-c", ini]
        env = _clean_env(CKAN_INI=str(ini))

        self._timed(
            "db init",
            run_step,
            "ckan db init",
            [*ckan, "db", "init"],
            logs / "db-init.log",
            env=env,
            cwd=wd,
        )
        if self.after_db_init is not None:
            self._timed("after db init", self.after_db_init, self, ckan, env)
        password = secrets.token_urlsafe(18)

        def sysadmin_and_token() -> str:
            self._timed(
                "sysadmin",
                run_step,
                "ckan sysadmin add",
                [
                    *ckan,
                    "sysadmin",
                    "add",
                    SYSADMIN,
                    *(["--create"] if self.profile.sysadmin_create_flag else []),
                    f"email={SYSADMIN}@harness.invalid",
                    f"password={password}",
                    "fullname=Harness Sysadmin",
                ],
                logs / "sysadmin.log",
                env=env,
                cwd=wd,
                stdin_text=None if self.profile.sysadmin_create_flag else "y\n",
            )
            return self._timed(
                "token",
                run_step,
                "ckan user token add",
                [*ckan, "user", "token", "add", SYSADMIN, "harness"],
                logs / "token.log",
                env=env,
                cwd=wd,
                capture=True,
            )

        # the web server needs only the database: start it while the CLI
        # creates the sysadmin and its token
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="harness") as ex:
            f_tok = ex.submit(sysadmin_and_token)
            f_web = ex.submit(
                self._timed, "gunicorn", self._start_gunicorn, py, ckan_port, env
            )
            errs = []
            for f in (f_web, f_tok):
                try:
                    f.result()
                except BaseException as e:  # noqa: BLE001
                    errs.append(e)
            if errs:
                raise errs[0]
        out = f_tok.result().strip().splitlines()
        token = out[-1].strip() if out else ""
        if len(token) < 20 or " " in token:
            raise HarnessError(
                "ckan user token add", "no token in its output", logs / "token.log"
            )

        st, body = http_json(url + "/api/3/action/status_show")
        got = (body.get("result") or {}).get("ckan_version")
        if st != 200 or got != self.version:
            raise HarnessError(
                "status_show",
                f"expected CKAN {self.version}, got HTTP {st} version {got!r}",
                logs / "ckan.log",
            )

        st, body = http_json(
            url + "/api/3/action/organization_create",
            {"name": ORGANIZATION, "title": "Harness Organization"},
            token,
        )
        if st != 200:
            raise HarnessError(
                "organization_create",
                f"HTTP {st}: {json.dumps(body)[:500]}",
                logs / "ckan.log",
            )

        env_file = wd / ENV_FILE
        self.instance = inst = CkanInstance(
            url=url,
            token=token,
            sysadmin=SYSADMIN,
            organization=ORGANIZATION,
            ini_path=ini,
            venv_python=py,
            storage_path=wd / "storage",
            pids={p.name: p.pid for p in self._procs},
            workdir=wd,
            env_file=env_file,
            solr_url=solr_url,
            log_dir=logs,
            max_resource_size_mb=self.max_resource_size_mb,
            ports=dict(self.ports),
            version=self.version,
            stock_licenses=self.stock_licenses,
        )
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.writelines(f"{k}={shlex.quote(v)}\n" for k, v in inst.env().items())
        if self.stop_at_exit:
            atexit.register(self._stop_at_exit)
        return inst

    # -- steps
    def _write_config(
        self, py: Path, ini: Path, url, solr_url, pg_port, redis_port, db_pass
    ):
        logf = self.wd / "logs" / "config.log"
        ckan = py.parent / "ckan"
        env = _clean_env()
        run_step(
            "ckan generate config",
            [ckan, "generate", "config", ini],
            logf,
            env=env,
            cwd=self.wd,
        )
        settings = {
            "sqlalchemy.url": f"postgresql://ckan:{db_pass}@127.0.0.1:{pg_port}/ckan",
            "ckan.site_url": url,
            "ckan.site_id": SITE_ID,
            "ckan.redis.url": f"redis://127.0.0.1:{redis_port}/0",
            "solr_url": solr_url,
            "solr_timeout": "10",
            "ckan.storage_path": str(self.wd / "storage"),
            "ckan.max_resource_size": str(self.max_resource_size_mb),
            "ckan.plugins": " ".join(self.plugins),
            **(
                {}
                if self.stock_licenses
                else {"licenses_group_url": LICENSES_FILE.as_uri()}
            ),
            "ckan.devserver.host": "127.0.0.1",
            "ckan.devserver.port": url.rsplit(":", 1)[1],
            **dict(self.profile.settings),
            **self.extra_settings,
        }
        run_step(
            "ckan config-tool",
            [
                ckan,
                "config-tool",
                ini,
                *(f"{k} = {v}" for k, v in settings.items()),
            ],
            logf,
            env=env,
            cwd=self.wd,
        )
        ini.chmod(0o600)  # DB password, session secrets
        (self.wd / "wsgi.py").write_text(
            "import os\n"
            "from logging.config import fileConfig\n"
            "from ckan.cli import CKANConfigLoader\n"
            "from ckan.config.middleware import make_app\n"
            "_ini = os.environ['CKAN_INI']\n"
            "fileConfig(_ini, disable_existing_loggers=False)\n"
            "application = make_app(CKANConfigLoader(_ini).get_config())\n"
        )

    def _start_postgres(self, port: int, db_pass: str):
        pgbin = find_pg_bin()
        pgdir = self.wd / "pg"
        data, logf = pgdir / "data", pgdir / "postgres.log"
        sock = pgdir / "run"
        if len(str(sock)) > 80:  # unix socket paths are limited to ~107 bytes
            sock = Path(tempfile.mkdtemp(prefix="ckanpg-"))
            self._extra_dirs.append(sock)
        sock.mkdir(exist_ok=True)
        as_pg = _pg_user_kwargs()
        if as_pg:
            for p in (pgdir, sock):
                os.chown(p, as_pg["user"], as_pg["group"])
        steplog = self.wd / "logs" / "postgres-setup.log"
        run_step(
            "initdb",
            [
                pgbin / "initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--no-sync",
            ],
            steplog,
            cwd=pgdir,
            **as_pg,
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(sock))} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            run_step(
                "pg_ctl start",
                [
                    pgbin / "pg_ctl",
                    "-D",
                    data,
                    "-l",
                    logf,
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    opts,
                    "start",
                ],
                steplog,
                cwd=pgdir,
                **as_pg,
            )
        finally:
            pidfile = data / "postmaster.pid"
            if pidfile.exists():  # record it even if pg_ctl gave up waiting
                pid = int(pidfile.read_text().split()[0])
                # SIGINT = PostgreSQL's "fast" shutdown
                self._add_proc(
                    Proc("postgres", pid, ["postgres", str(data)], signal.SIGINT)
                )
        psql = [
            pgbin / "psql",
            "-X",
            "-q",
            "-h",
            sock,
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
        ]
        run_step(
            "create role/db",
            [
                *psql,
                "-c",
                f"CREATE ROLE ckan LOGIN PASSWORD '{db_pass}'",
                "-c",
                ("CREATE DATABASE ckan OWNER ckan ENCODING 'UTF8' TEMPLATE template0"),
            ],
            steplog,
            cwd=pgdir,
        )

    def _start_redis(self, port: int):
        exe = shutil.which("redis-server")
        if not exe:
            raise HarnessError(
                "redis", "redis-server not found; run .ci/system-deps.sh"
            )
        pidfile = self.wd / "run" / "redis.pid"
        logf = self.wd / "logs" / "redis.log"
        run_step(
            "redis",
            [
                exe,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--protected-mode",
                "yes",
                "--daemonize",
                "yes",
                "--pidfile",
                pidfile,
                "--logfile",
                logf,
                "--dir",
                self.wd / "redis",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            logf,
            cwd=self.wd,
        )
        if not wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 10):
            raise HarnessError("redis", "no PID file after 10s", logf)
        self._add_proc(
            Proc("redis", int(pidfile.read_text()), ["redis-server", f":{port}"])
        )
        if not wait_until(lambda: port_open(port), 10):
            raise HarnessError("redis", f"not listening on 127.0.0.1:{port}", logf)

    def _start_solr(self, port: int):
        logf = self.wd / "logs" / "solr.log"
        pidfile = self.wd / "run" / "solr.pid"
        with open(logf, "ab") as fh:
            p = subprocess.Popen(
                [
                    sys.executable,
                    str(SOLR_STANDIN),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--pidfile",
                    str(pidfile),
                ],
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=fh,
                cwd=self.wd,
                start_new_session=True,
                env=_clean_env(),
            )
        self._popen.append(p)
        self._add_proc(Proc("solr", p.pid, ["solr_standin.py", f"--port {port}"]))
        ping = f"http://127.0.0.1:{port}/solr/ckan/admin/ping"

        def up():
            if p.poll() is not None:
                raise HarnessError("solr", f"exited with status {p.returncode}", logf)
            try:
                return http_json(ping, timeout=2)[0] == 200
            except (OSError, http.client.HTTPException, ValueError):
                return False

        if not wait_until(up, 15):
            raise HarnessError("solr", f"no answer on {ping} after 15s", logf)

    def _start_gunicorn(self, py: Path, port: int, env: dict):
        logf = self.wd / "logs" / "ckan.log"
        pidfile = self.wd / "run" / "gunicorn.pid"
        bind = f"127.0.0.1:{port}"
        run_step(
            "gunicorn",
            [
                py.parent / "gunicorn",
                "--chdir",
                self.wd,
                "--workers",
                str(self.workers),
                "--bind",
                bind,
                "--timeout",
                "300",
                "--graceful-timeout",
                "10",
                "--daemon",
                "--pid",
                pidfile,
                "--error-logfile",
                logf,
                "--capture-output",
                "--no-control-socket",
                "wsgi:application",
            ],
            logf,
            env=env,
            cwd=self.wd,
        )
        if not wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 30):
            raise HarnessError("gunicorn", "no PID file after 30s", logf)
        pid = int(pidfile.read_text())
        self._add_proc(Proc("ckan", pid, ["gunicorn", bind]))
        status = f"http://{bind}/api/3/action/status_show"

        def up():
            if not running(pid):
                raise HarnessError("gunicorn", f"master process {pid} exited", logf)
            try:
                return http_json(status, timeout=5)[0] == 200
            except (OSError, http.client.HTTPException, ValueError):
                return False

        if not wait_until(up, 120, 0.2):
            raise HarnessError("gunicorn", f"no 200 from {status} after 120s", logf)

    # -- stop
    def _stop_at_exit(self):
        try:
            self.stop()
        except Exception as e:  # noqa: BLE001 - never raise from atexit
            sys.stderr.write(f"ckan_harness: stop at exit failed: {e}\n")

    def stop(self) -> list[str]:
        """Stop every process this harness started (newest first) and remove
        the work directory. Safe to call more than once."""
        if self.stop_at_exit:
            atexit.unregister(self._stop_at_exit)
        with self._lock:
            procs, self._procs = list(self._procs), []
        report = _stop_all(procs)
        for p in self._popen:  # reap our own children (no zombies, no ResourceWarning)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._popen = []
        if self.workdir is not None:
            _remove_workdir(
                self.workdir, self.created_workdir, self._owned, self._extra_dirs
            )
            self.workdir = None
        for line in report:
            log.info("%s", line)
        return report


def _stop_all(procs: list[Proc]) -> list[str]:
    order = {"ckan": 0, "solr": 1, "redis": 2, "postgres": 3}
    report, errors = [], []
    for p in sorted(procs, key=lambda p: order.get(p.name, -1)):
        try:
            report.append(stop_proc(p))
        except (HarnessError, OSError) as e:
            errors.append(str(e))
    if errors:
        raise HarnessError("stop", "; ".join(errors))
    return report


def _remove_workdir(wd: Path, created: bool, owned, extra_dirs):
    if os.environ.get("CKAN_HARNESS_KEEP") == "1":
        log.warning("CKAN_HARNESS_KEEP=1: keeping %s", wd)
        (wd / STATE_FILE).unlink(missing_ok=True)
        return
    for d in extra_dirs:
        shutil.rmtree(d, ignore_errors=True)
    if created:
        shutil.rmtree(wd, ignore_errors=True)
        return
    for name in owned:
        p = wd / name
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def stop_dir(workdir: Path) -> list[str]:
    """Stop the instance whose state lives in workdir (started by another
    process, e.g. `python -m tests.ckan_harness start`) and remove its data."""
    workdir = Path(workdir).resolve()
    sf = workdir / STATE_FILE
    if not sf.exists():
        raise HarnessError("stop", f"no {STATE_FILE} in {workdir}: nothing to stop")
    state = json.loads(sf.read_text())
    report = _stop_all([Proc(**p) for p in state["procs"]])
    _remove_workdir(
        workdir,
        state.get("created_workdir", False),
        state.get("owned", []),
        [Path(d) for d in state.get("extra_dirs", [])],
    )
    return report
