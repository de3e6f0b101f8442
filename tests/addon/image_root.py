#!/usr/bin/env python3
"""Replays the app's Dockerfile without Docker, in debootstrap'd Debian 12 (bookworm) roots.

    python3 tests/addon/image_root.py        -> progress on stderr, the runtime root's path on stdout

The Dockerfile (manifests/addon/domoguard/Dockerfile) is read, not restated: each stage starts from a
fresh bookworm root standing in for its base image, and its ARG, ENV, WORKDIR, RUN and COPY steps run
in that root in order (RUN through `/bin/sh -c` in a chroot, as Docker does), with the build context
packed by manifests/addon/pack.sh. The last stage's root is the image-equivalent root; its CMD is
written to .domoguard-image.json beside the image's size and the other stages' facts.

Stand-ins (what Docker would pull, and what is used here):
- ghcr.io/home-assistant/{arch}-base-debian:bookworm -> `debootstrap --variant=minbase bookworm`
  without apt lists and caches, as Debian's container images are (the real base adds S6-Overlay,
  bashio and tempio on the same Debian release);
- node:20-bookworm-slim -> the same bookworm root plus this machine's Node 20 in /usr/local (the
  official image is Debian 12 with Node 20 in /usr/local).
Any other base image is refused: the replay would no longer be the Dockerfile's.

Roots are cached in ${DOMOGUARD_CACHE:-/var/cache/domoguard}: the bookworm base once
(debian-bookworm-minbase.tar), the replayed image keyed by the hash of the Dockerfile and of the build
context (app-image-<key>/), built once in a work folder and renamed into place when complete. Needs
root (debootstrap, chroot, mount); runs in a private mount namespace so no mount outlives it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "manifests/addon/domoguard"
DOCKERFILE = APP / "Dockerfile"
CACHE = Path(os.environ.get("DOMOGUARD_CACHE", "/var/cache/domoguard"))
SUITE = "bookworm"
ARCH = {"x86_64": "amd64", "aarch64": "aarch64"}[os.uname().machine]
DEB_ARCH = {"amd64": "amd64", "aarch64": "arm64"}[ARCH]
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def say(*a: object) -> None:
    print("[image_root]", *a, file=sys.stderr, flush=True)


def die(msg: str) -> None:
    say("ERROR:", msg)
    sys.exit(1)


# ---- the Dockerfile -------------------------------------------------------------------------------

def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments left out."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped, as by Docker
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.partition(" ")
        out.append((word.upper(), rest.strip()))
        buf = ""
    if buf:
        die("the Dockerfile ends inside a continued line")
    return out


def expand(s: str, env: dict[str, str]) -> str:
    """Docker's ${VAR} / $VAR substitution in FROM, COPY, ENV, WORKDIR and LABEL arguments."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), s)


# ---- roots ----------------------------------------------------------------------------------------

def mirror() -> str:
    for f in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if f.is_file():
            m = re.search(r"(?:^deb\s+(?:\[[^]]*\]\s+)?|^URIs:\s*)(https?://\S+/debian)/?\s", f.read_text(), re.M)
            if m:
                return m.group(1)
    return "http://deb.debian.org/debian"


def base_tar() -> Path:
    tar = CACHE / f"debian-{SUITE}-minbase.tar"
    if tar.exists():
        return tar
    if not shutil.which("debootstrap"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "debootstrap"], check=True,
                       stdout=subprocess.DEVNULL)
    work = Path(tempfile.mkdtemp(prefix=f"debootstrap-{SUITE}-", dir=CACHE))
    say(f"debootstrap --variant=minbase {SUITE} (once; cached as {tar.name})")
    t0 = time.monotonic()
    subprocess.run(["debootstrap", "--variant=minbase", f"--arch={DEB_ARCH}", SUITE, str(work / "root"), mirror()],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["tar", "-C", str(work / "root"), "-cf", str(work / "root.tar"), "."], check=True)
    (work / "root.tar").rename(tar)
    shutil.rmtree(work)
    say(f"  base root in {time.monotonic() - t0:.0f} s")
    return tar


def docker_clean(root: Path) -> None:
    """What Debian's container images (and so HA's Debian base and node:*-bookworm) do that a
    debootstrap'd root does not: no apt lists or downloaded packages in the image, and an apt
    configuration that deletes downloaded packages and its binary caches after every install."""
    for pattern in ("var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*_*"):
        for f in root.glob(pattern):
            f.unlink()
    clean = 'rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true'
    (root / "etc/apt/apt.conf.d/docker-clean").write_text(
        f'DPkg::Post-Invoke {{ "{clean}"; }};\nAPT::Update::Post-Invoke {{ "{clean}"; }};\n'
        'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n')


def new_root(path: Path, image: str) -> None:
    """A fresh root standing in for IMAGE (see the module docstring)."""
    path.mkdir(parents=True)
    subprocess.run(["tar", "-C", str(path), "-xf", str(base_tar())], check=True)
    docker_clean(path)
    if re.fullmatch(r"ghcr\.io/home-assistant/(amd64|aarch64)-base-debian:bookworm", image):
        return
    if re.fullmatch(r"node:20-bookworm(-slim)?", image):
        node = shutil.which("node")
        ver = subprocess.run([node or "node", "--version"], capture_output=True, text=True).stdout.strip() if node else ""
        if not ver.startswith("v20."):
            die(f"{image} needs Node 20 on this machine to stand in for the image's (found {ver or 'none'})")
        npm_dir = Path(node).resolve().parent.parent / "lib/node_modules/npm"
        (path / "usr/local/bin").mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(node).resolve(), path / "usr/local/bin/node")
        shutil.copytree(npm_dir, path / "usr/local/lib/node_modules/npm", symlinks=True)
        for tool in ("npm", "npx"):
            (path / "usr/local/bin" / tool).symlink_to(f"../lib/node_modules/npm/bin/{tool}-cli.js")
        say(f"  {image}: Node {ver} from this machine in /usr/local")
        return
    die(f"no stand-in for the base image {image!r}: the replay knows HA's bookworm base and node:20-bookworm")


# This machine reaches the npm registry through a TLS proxy whose CA it trusts through
# NODE_EXTRA_CA_CERTS; the roots get the same file, as a build on this machine would.
NODE_CA = "/etc/ssl/domoguard-machine-ca.crt" if os.environ.get("NODE_EXTRA_CA_CERTS") else ""


def trust_machine_ca(root: Path) -> None:
    src = os.environ.get("NODE_EXTRA_CA_CERTS")
    if src and Path(src).is_file():
        (root / "etc/ssl").mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, root / NODE_CA.lstrip("/"))


class Mounts:
    """/proc and /dev in a root for its RUN steps (private mount namespace: they vanish with us)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __enter__(self) -> "Mounts":
        for what, where, args in (("proc", "proc", ["-t", "proc"]), ("/dev", "dev", ["--rbind"]),
                                  ("/sys", "sys", ["--rbind"])):
            (self.root / where).mkdir(exist_ok=True)
            subprocess.run(["mount", *args, what, str(self.root / where)], check=True)
        return self

    def __exit__(self, *exc: object) -> None:
        for where in ("sys", "dev", "proc"):
            subprocess.run(["umount", "-l", str(self.root / where)], check=False)


def copy_into(src: Path, root: Path, dest: str, workdir: str) -> None:
    """COPY semantics: a folder's contents into DEST; a file to DEST (or into it, if DEST ends in /)."""
    target = root / (dest if dest.startswith("/") else f"{workdir}/{dest}").lstrip("/")
    if src.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", f"{src}/.", str(target)], check=True)
    else:
        if dest.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            target = target / src.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def du(path: Path) -> int:
    out = subprocess.run(["du", "-sxb", "--exclude=./proc", "--exclude=./sys", "--exclude=./dev", "."],
                         cwd=path, capture_output=True, text=True, check=True).stdout
    return int(out.split()[0])


def replay(context: Path, work: Path, context_digest: str) -> dict:
    steps = instructions(DOCKERFILE.read_text())
    global_args: dict[str, str] = {"BUILD_ARCH": ARCH, "BUILDPLATFORM": f"linux/{DEB_ARCH}",
                                   "TARGETPLATFORM": f"linux/{DEB_ARCH}"}
    passed = {"BUILD_ARCH": ARCH, "BUILD_VERSION": "replay"}  # what the Supervisor passes
    stages: list[dict] = []
    cur: dict | None = None
    for i, (instr, arg) in enumerate(steps):
        if cur is not None and i == cur["done"][2] and not cur["skip"]:
            cur["done"][0].write_text(cur["done"][1] + "\n")
        if instr == "ARG":
            name, eq, default = arg.partition("=")
            scope = cur["env"] if cur else global_args
            if name in passed:
                scope[name] = passed[name]
            elif eq:
                scope[name] = expand(default, {**global_args, **scope})
            elif cur and name in global_args:
                scope[name] = global_args[name]
            continue
        if instr == "FROM":
            words = [w for w in arg.split() if not w.startswith("--platform=")]
            image = expand(words[0], global_args)
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            root = work / f"stage-{name}"
            say(f"FROM {image}" + (f" AS {name}" if not name.isdigit() else ""))
            end = next((j for j in range(i + 1, len(steps)) if steps[j][0] == "FROM"), len(steps))
            digest = hashlib.sha256((repr(steps[:end]) + context_digest).encode()).hexdigest()
            done = root / ".domoguard-stage-done"
            skip = done.exists() and done.read_text().strip() == digest
            if skip:
                say("  (replayed before: reusing this stage's root)")
            else:
                if root.exists():
                    shutil.rmtree(root)
                new_root(root, image)
                shutil.copy2("/etc/resolv.conf", root / "etc/resolv.conf")  # as Docker's build network does
                trust_machine_ca(root)
            # CMAKE_BUILD_PARALLEL_LEVEL: this machine's share of its cores for `cmake --build`
            # (DOMOGUARD_JOBS, default 2); it changes how many compile at once, not what is built.
            cur = {"name": name, "image": image, "root": root,
                   "env": {"PATH": PATH, "HOME": "/root",
                           "CMAKE_BUILD_PARALLEL_LEVEL": os.environ.get("DOMOGUARD_JOBS", "2")},
                   "workdir": "/", "run_s": 0.0, "cmd": None, "labels": {}, "skip": skip,
                   "done": (done, digest, end)}
            if NODE_CA:
                cur["env"]["NODE_EXTRA_CA_CERTS"] = NODE_CA
            stages.append(cur)
            continue
        if cur is None:
            die(f"{instr} before the first FROM")
        env = cur["env"]
        if instr == "ENV":
            for k, v in re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", arg):
                env[k] = expand(v.strip('"'), env)
        elif instr == "WORKDIR":
            cur["workdir"] = expand(arg, env)
            (cur["root"] / cur["workdir"].lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif cur["skip"] and instr in ("RUN", "COPY", "WORKDIR"):
            continue
        elif instr == "RUN":
            say(f"  RUN {arg[:100]}{'...' if len(arg) > 100 else ''}")
            t0 = time.monotonic()
            with Mounts(cur["root"]):
                cmd = ["chroot", str(cur["root"]), "/usr/bin/env", "-i", *[f"{k}={v}" for k, v in env.items()],
                       "/bin/sh", "-c", f"cd {shlex.quote(cur['workdir'])} && {arg}"]
                proc = subprocess.run(["nice", "-n", "19", *cmd])
            cur["run_s"] += time.monotonic() - t0
            if proc.returncode != 0:
                die(f"RUN step failed ({proc.returncode}) in stage {cur['name']}: {arg[:200]}")
        elif instr == "COPY":
            words = arg.split()
            src_stage = None
            if words[0].startswith("--from="):
                src_stage = words.pop(0).split("=", 1)[1]
            *srcs, dest = [expand(w, env) for w in words]
            for s in srcs:
                if src_stage is None:
                    src = context / s
                else:
                    match = [st for st in stages if st["name"] == src_stage]
                    if not match:
                        die(f"COPY --from={src_stage}: no such stage")
                    src = match[0]["root"] / s.lstrip("/")
                if not src.exists():
                    die(f"COPY {s}: not in {'the build context' if src_stage is None else 'stage ' + src_stage}")
                copy_into(src, cur["root"], dest, cur["workdir"])
        elif instr == "CMD":
            cur["cmd"] = json.loads(arg)
        elif instr == "LABEL":
            for k, v in re.findall(r"([\w.]+)=(\"[^\"]*\"|\S+)", arg):
                cur["labels"][k] = expand(v.strip('"'), env)
        else:
            die(f"the replay does not know the instruction {instr}")
    if not stages:
        die("no FROM in the Dockerfile")
    if not cur["skip"]:
        cur["done"][0].write_text(cur["done"][1] + "\n")
    return {"stages": stages}


def main() -> None:
    if os.geteuid() != 0:
        die("must run as root (debootstrap, chroot and mount need it)")
    if os.environ.get("DOMOGUARD_IMAGE_ROOT_INNER") != "1":
        os.execvpe("unshare", ["unshare", "--mount", "--propagation", "private", "--", sys.executable,
                               *sys.argv], {**os.environ, "DOMOGUARD_IMAGE_ROOT_INNER": "1"})
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="app-context-") as tmp:
        context = Path(tmp) / "repo"
        subprocess.run(["bash", str(REPO / "manifests/addon/pack.sh"), str(context)], check=True,
                       stdout=subprocess.DEVNULL)
        context = context / "domoguard"
        (context / "src/REVISION").unlink()  # the commit id: the files themselves are hashed below
        listing = subprocess.run(
            "find . -type f -print0 | sort -z | xargs -0 sha256sum", shell=True, cwd=context,
            capture_output=True, text=True, check=True).stdout
        key = hashlib.sha256(f"{SUITE}\n{ARCH}\nlayout=1\n{listing}".encode()).hexdigest()[:12]
        final = CACHE / f"app-image-{key}"
        if (final / ".domoguard-image.json").exists():
            say(f"reusing {final} (Dockerfile and build context unchanged)")
            print(final / "root")
            return
        import fcntl
        lock = open(CACHE / ".app-image.lock", "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (final / ".domoguard-image.json").exists():
            print(final / "root")
            return
        # The work folder is kept when a run fails: a stage whose steps all ran is marked and not
        # replayed again (its marker holds the hash of the instructions up to its end and of the
        # build context it may copy from).
        work = CACHE / ".app-image.work"
        work.mkdir(exist_ok=True)
        t0 = time.monotonic()
        # What the stages may COPY: the context without the Dockerfile (whose steps are hashed apart).
        context_digest = hashlib.sha256("".join(
            line + "\n" for line in listing.splitlines() if not line.endswith("  ./Dockerfile")).encode()).hexdigest()
        result = replay(context, work, context_digest)
        stages = result["stages"]
        last = stages[-1]
        facts = {
            "dockerfile_sha256": hashlib.sha256(DOCKERFILE.read_bytes()).hexdigest(),
            "arch": ARCH, "cmd": last["cmd"], "labels": last["labels"],
            "replay_seconds": round(time.monotonic() - t0),
            "base_bytes": None, "image_bytes": du(last["root"]),
            "stages": [{"name": s["name"], "image": s["image"], "run_seconds": round(s["run_s"]),
                        "bytes": du(s["root"])} for s in stages],
        }
        probe = work / "base-probe"
        probe.mkdir()
        subprocess.run(["tar", "-C", str(probe), "-xf", str(base_tar())], check=True)
        docker_clean(probe)
        facts["base_bytes"] = du(probe)
        shutil.rmtree(probe)
        # Only the image is kept: the build stages' roots (compilers, -dev packages) are what a
        # multi-stage build leaves behind.
        for s in stages[:-1]:
            shutil.rmtree(s["root"])
        (last["root"] / NODE_CA.lstrip("/")).unlink(missing_ok=True) if NODE_CA else None
        last["root"].rename(work / "root")
        (work / ".domoguard-image.json").write_text(json.dumps(facts, indent=2) + "\n")
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
        say(f"image-equivalent root {final}/root: {facts['image_bytes'] / 1e6:.1f} MB "
            f"(base {facts['base_bytes'] / 1e6:.1f} MB), replayed in {facts['replay_seconds']} s")
        print(final / "root")


if __name__ == "__main__":
    main()
