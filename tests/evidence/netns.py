"""Several hosts on one Linux machine (as root), and a PostgreSQL cluster they all reach.

    with ExitStack() as stack:
        hosts = [stack.enter_context(Host.create(i)) for i in range(2)]
        cluster = stack.enter_context(Cluster([host.server_address for host in hosts]))
        ...  # hosts[0].command("python -m manage worker ..."); hosts[0].cut(); ...restore()

A host is a network namespace with its own hostname, joined to the machine by a veth pair on
a /30 of 10.213.0.0/16: the host has the .2 (.6, ...) address, the machine's side the .1
(.5, ...). The cluster is the test's own (initdb in a temporary directory, run as `postgres`)
listening on the machine's side of every link: the machine's own PostgreSQL listens on
127.0.0.1 only, and a forwarder in between would hide a dead client from the server.
Cutting a link drops its packets both ways without an error to either side (blackhole
routes), as a pulled cable or a frozen host does.
"""

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Self

SUBNET = f"10.213.{os.getpid() % 250}"  # a /24 per test process: runs side by side never meet


def ip(*args: str, host: str | None = None) -> None:
    """Run `ip` (in the namespace `host`); raise CalledProcessError with its complaint."""
    where = ["-n", host] if host else []
    subprocess.run(["ip", *where, *args], check=True, capture_output=True, text=True)


@dataclass(frozen=True)
class Host:
    name: str  # the namespace's, also the hostname its processes see
    link: str  # the machine's end of the veth pair
    address: str
    server_address: str  # the machine's side of the link: where this host reaches the cluster

    @classmethod
    @contextmanager
    def create(cls, index: int) -> Iterator[Self]:
        """Host number `index` (0-62), linked to the machine; removed at the end."""
        name = f"exact{os.getpid()}h{index}"
        host = cls(name, f"ex{os.getpid()}r{index}", f"{SUBNET}.{4 * index + 2}",
                   f"{SUBNET}.{4 * index + 1}")  # fmt: skip
        try:
            ip("netns", "add", name)
            ip("link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", name)
            ip("addr", "add", f"{host.server_address}/30", "dev", host.link)
            ip("link", "set", host.link, "up")
            ip("addr", "add", f"{host.address}/30", "dev", "eth0", host=name)
            ip("link", "set", "eth0", "up", host=name)
            ip("link", "set", "lo", "up", host=name)
            yield host
        finally:
            host.restore()
            with suppress(subprocess.CalledProcessError):
                ip("link", "del", host.link)  # both ends
            with suppress(subprocess.CalledProcessError):
                ip("netns", "del", name)

    def command(self, command: str) -> str:
        """A shell command that runs `command` on this host (same pid: each step execs)."""
        inside = f"hostname {self.name} && exec {command}"
        return f"ip netns exec {self.name} unshare --uts /bin/sh -c {shlex.quote(inside)}"

    def cut(self) -> None:
        """Drop every packet between this host and the machine, both ways."""
        ip("route", "add", "blackhole", f"{self.address}/32")
        ip("route", "add", "blackhole", f"{self.server_address}/32", host=self.name)

    def restore(self) -> None:
        """Undo cut() (nothing if the link is whole)."""
        with suppress(subprocess.CalledProcessError):
            ip("route", "del", "blackhole", f"{self.address}/32")
        with suppress(subprocess.CalledProcessError):
            ip("route", "del", "blackhole", f"{self.server_address}/32", host=self.name)


def postgresql_bin() -> Path | None:
    """The newest PostgreSQL server's programs installed (Debian's layout), if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    return found[-1].parent if found else None


class Cluster:
    """A PostgreSQL cluster of the test's own, listening on `addresses` on a free port."""

    def __init__(self, addresses: Sequence[str]) -> None:
        bin_dir = postgresql_bin()
        assert bin_dir, "no PostgreSQL server installed"
        self.bin, self.addresses = bin_dir, list(addresses)
        with socket.socket() as probe:
            probe.bind((self.addresses[0], 0))
            self.port = probe.getsockname()[1]
        self.directory = Path(tempfile.mkdtemp(prefix="exact-pg-"))
        shutil.chown(self.directory, "postgres", "postgres")
        self.data = self.directory / "data"

    def as_postgres(self, program: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin / program), *args]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def __enter__(self) -> Self:
        try:
            self.as_postgres("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                             "--no-sync", "-E", "UTF8")  # fmt: skip
            with (self.data / "pg_hba.conf").open("a") as hba:
                hba.write(f"host all all {SUBNET}.0/24 trust\n")
            options = (
                f"-p {self.port} -c listen_addresses='{','.join(self.addresses)}' "
                f"-c unix_socket_directories='{self.directory}' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            self.as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"),
                             "-o", options, "-w", "-t", "30", "start")  # fmt: skip
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        with suppress(subprocess.CalledProcessError):
            self.as_postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, address: str, database: str) -> str:
        return f"postgres://postgres@{address}:{self.port}/{database}"

    def copy_database(self, source: dict[str, object], name: str) -> None:
        """Create database `name`, a copy of the database Django's `source` settings name."""
        target = ["-h", self.addresses[0], "-p", str(self.port), "-U", "postgres"]
        subprocess.run([str(self.bin / "createdb"), *target, name], check=True, capture_output=True)
        env = {**os.environ, "PGPASSWORD": str(source.get("PASSWORD") or "")}
        dump = subprocess.Popen(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges",
             "-h", str(source["HOST"]), "-p", str(source["PORT"] or 5432),
             "-U", str(source["USER"]), str(source["NAME"])],
            stdout=subprocess.PIPE, env=env,
        )  # fmt: skip
        subprocess.run([str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", *target, "-d", name],
                       stdin=dump.stdout, check=True, capture_output=True)  # fmt: skip
        assert dump.wait() == 0, "pg_dump failed"
