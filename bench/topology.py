"""Several machines on this one (issue #18): the processes of the production topology as local
subprocesses on free ports, for bruecken/tests/test_topology.py and `make bench-cluster`.

PostgreSQL (or SQLite) is given by the caller's database; everything else is started here and
stopped on leaving its block, whatever ends it: a private `redis-server` (no disk), a moto S3
server, app servers (`bruecken serve`: gunicorn, DEBUG off, each with a var/ and MEDIA_ROOT of
its own, so that nothing reaches another server through the local disk) and workers
(`bruecken worker`). `Browser` is a visitor over real HTTP: cookies, CSRF tokens from the forms,
and a session signed in as Django's test client signs in (`bench.common.signed_in_session`)."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from .common import signed_in_session
from .website import CLI, Server, collect_static, free_port

# Production settings with the static files hashed but not compressed (minutes saved).
SERVER_SETTINGS = "bench.server_settings"
# What the caller's environment must not pass on: the tests' own settings (bruecken/testing.py).
TEST_ONLY = (
    "TASKS_BACKEND",
    "WEBSITE_CACHE_SECONDS",
    "MFA_REQUIRED_FOR_PROGRAM_OFFICE",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "BRUECKEN_VAR_DIR",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
)
S3_KEY_ID = "topology-not-a-key"
S3_SECRET = "topology-not-a-secret"  # noqa: S105 (moto accepts any)
PUBLIC_BUCKET = "bruecken-media"
PRIVATE_BUCKET = "bruecken-private"
READY_SECONDS = 30


def missing_redis():
    """Why no private Redis can be started here, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server)"
    return None


def missing_services():
    """Why the whole topology cannot be run here, or None."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as error:
        return (
            missing_redis() or f"{error.name} is not installed (moto[server], requirements-dev.txt)"
        )
    return missing_redis()


def wait_for(check, what, seconds=READY_SECONDS, process=None):
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise CommandError(f"{what} exited ({process.returncode}).")
        with contextlib.suppress(OSError):
            if check():
                return
        if time.monotonic() > deadline:
            raise CommandError(f"{what} did not answer in {seconds} s.")
        time.sleep(0.05)


def stop_group(process, seconds=15):
    """SIGTERM to the process group (the graceful stop), then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Redis:
    """A private redis-server on a free port, keeping nothing on disk; `stop()` and `start()`
    again on the same port (an outage and its end)."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def command(self, name):
        """The first bytes of the answer to one inline command (PING, FLUSHALL)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
            conn.sendall(name.encode() + b"\r\n")
            return conn.recv(64)

    def ping(self):
        return self.command("PING").startswith(b"+PONG")

    def flush(self):
        if not self.command("FLUSHALL").startswith(b"+OK"):
            raise CommandError("redis-server did not flush.")

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        wait_for(self.ping, "redis-server", process=self.process)

    def stop(self):
        stop_group(self.process, 5)
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class S3:
    """moto's S3 server on a free port (a thread of this process), with the buckets."""

    def __init__(self):
        self.port = free_port()
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=S3_KEY_ID,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        )

    def keys(self, bucket):
        listed = self.client().list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in listed.get("Contents", [])]

    def __enter__(self):
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        client = self.client()
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            client.create_bucket(Bucket=bucket)
        return self

    def __exit__(self, *exc):
        if self.server is not None:
            self.server.stop()
            self.server = None

    def environ(self):
        return {
            "AWS_STORAGE_BUCKET_NAME": PUBLIC_BUCKET,
            "AWS_PRIVATE_BUCKET_NAME": PRIVATE_BUCKET,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": S3_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": S3_SECRET,
            "AWS_S3_REGION_NAME": "us-east-1",
        }


def environ(database_url, static_root, *, redis=None, s3=None, **extra):
    """Production settings (DEBUG off, the program office with a second factor, the database
    task queue, the page cache on), plain HTTP on local ports, e-mails dropped; the key of this
    process, so that the sessions it signs in are valid there."""
    base = {name: value for name, value in os.environ.items() if name not in TEST_ONLY}
    for name in list(base):
        if name.startswith("AWS_"):
            del base[name]
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": SERVER_SETTINGS,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        # E-mails are not what the topology shows: the workers send them to nowhere.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONUNBUFFERED": "1",
        **({"REDIS_URL": redis.url} if redis is not None else {}),
        **(s3.environ() if s3 is not None else {}),
        **extra,
    }


def prepare_static(environment):
    """The collected, hashed static files every server reads (one STATIC_ROOT)."""
    collect_static(environment)


class AppServer(Server):
    """`bruecken serve` (gunicorn, WEB_WORKERS sync workers) with a var/ and MEDIA_ROOT of its
    own, named for the reports ("A", "B")."""

    def __init__(self, name, environment, folder):
        folder = Path(folder) / f"server-{name}"
        (folder / "media").mkdir(parents=True, exist_ok=True)
        own = {
            **environment,
            "BRUECKEN_VAR_DIR": str(folder),
            "MEDIA_ROOT": str(folder / "media"),
            "TRANSFER_UPLOAD_DIR": str(folder / "imports"),
        }
        super().__init__(own, folder / "access.log")
        self.name = name
        self.environ["BRUECKEN_ADDRESS"] = f"127.0.0.1:{self.port}"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __repr__(self):
        return f"server {self.name} ({self.url})"


class Worker:
    """`bruecken worker` polling the database queue twice a second; the first of several keeps
    the housekeeping, the others skip it (as the README advises)."""

    def __init__(self, name, environment, folder, housekeeping=True):
        folder = Path(folder) / f"worker-{name}"
        (folder / "media").mkdir(parents=True, exist_ok=True)
        self.name = name
        self.environ = {
            **environment,
            "BRUECKEN_VAR_DIR": str(folder),
            "MEDIA_ROOT": str(folder / "media"),
            "TRANSFER_UPLOAD_DIR": str(folder / "imports"),
        }
        self.arguments = ["--interval", "0.5", "--no-startup-delay", "--no-reload"]
        if not housekeeping:
            self.arguments += ["--housekeeping-interval", "0"]
        self.log_path = folder / "worker.log"
        self.process = None
        self.output = None

    def __enter__(self):
        self.output = open(self.log_path, "wb")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and command line)
            [sys.executable, "-c", CLI, "worker", *self.arguments],
            env=self.environ,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc):
        stop_group(self.process)
        if self.output is not None:
            self.output.close()
            self.output = None

    def log(self):
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One visitor: cookies for every server alike (one host, as behind one load balancer)."""

    def __init__(self):
        import requests

        self.session = requests.Session()

    def sign_in(self, user, second_factor=None):
        """Signed in as `user` (a session in the database, as force_login makes)."""
        session = signed_in_session(user, second_factor)
        self.session.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key)
        return self

    def get(self, server, path, **kwargs):
        response = self.session.get(server.url + path, allow_redirects=False, timeout=60, **kwargs)
        return self.kept(response)

    def kept(self, response):
        """The servers mark their cookies Secure (DEBUG off) but are reached over plain HTTP
        here, as behind a TLS-terminating proxy: send them back all the same."""
        for cookie in self.session.cookies:
            cookie.secure = False
        return response

    def token(self, server, path):
        """The CSRF token of the form on the page at `path`."""
        response = self.get(server, path)
        found = CSRF_FIELD.search(response.text)
        if response.status_code != 200 or not found:
            raise AssertionError(f"{server}{path}: {response.status_code}, no form token")
        return found[1]

    def post(self, server, path, data=None, *, token, files=None, referer=None):
        headers = {"Referer": server.url + (referer or path)}
        response = self.session.post(
            server.url + path,
            data={**(data or {}), "csrfmiddlewaretoken": token},
            files=files,
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )
        return self.kept(response)

    def close(self):
        self.session.close()


@contextlib.contextmanager
def folder(prefix):
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)
