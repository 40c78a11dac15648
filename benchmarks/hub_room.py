"""A workshop on a hub, end to end: N learners pull the course, work, are collected, graded
and get their feedback back.

    .venv/bin/python benchmarks/hub_room.py --learners 30

Needs requirements-hub.txt in .venv and configurable-http-proxy in node_modules (`npm ci`).
Starts a real JupyterHub (hub/jupyterhub_config.py: 127.0.0.1 only, local-process spawner,
shared password) over a temporary root, with the learner edition of this checkout as a bare
git repository. Each learner logs in through the hub's login form, gets a server, pulls the
course through its nbgitpuller link, starts a kernel and, over the kernel's websocket (through
the hub's proxy, with the learner's own token), moves every control of lesson 1's first
explorer while every other learner's kernel is alive, then answers ex02 and saves it through
the contents API: learner 0, 2, 4, … every task; 1, 3, … only q1 and q2; the last but one in
JupyterLab's copy ``ex02_momentum-Copy1.ipynb``, leaving the original untouched; the last
nothing. The instructor then collects from the homes, grades (in the bubblewrap sandbox when
it works) and returns the feedback into the homes. Every grade is checked against the one the
plan gives (the `max` row's points of the tasks answered) and every feedback file against
the one graded. Last line: ``room: N learners, N pulled, N graded, N feedback returned, 0 lost``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import psutil
import requests
import websocket

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXERCISE = "exercises/ex02_momentum.ipynb"
COPY = "exercises/ex02_momentum-Copy1.ipynb"
PARTLY = ("ex02.q1", "ex02.q2")
FEEDBACK = (".md", ".txt", ".html")
EXPLORER_CODE = """
import json
from course_lib.widgets import EXPLORERS
from course_lib.widgets.sweep import sweep
explorer = EXPLORERS["gradient_descent"]()
print("MOVES " + json.dumps([move.seconds for move in sweep(explorer, 5)]))
"""


def free_ports() -> int:
    """A port p with p, p + 1 and p + 2 free on 127.0.0.1 (proxy, hub, proxy API)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port > 65000:
            continue
        try:
            for offset in (1, 2):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
    raise RuntimeError("no three free ports in a row on 127.0.0.1")


def course_repository(root: Path) -> str:
    """The learner edition, committed and cloned bare: the git URL learners pull from."""
    edition = root / "course-edition"
    subprocess.run([BIN / "python", "-m", "course_lib.grading", "release",
                    "--learner-edition", edition], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    git = ["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=edition, check=True)
    subprocess.run([*git, "add", "-A"], cwd=edition, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the course"], cwd=edition, check=True)
    subprocess.run(["git", "clone", "-q", "--bare", edition, root / "course-edition.git"],
                   check=True)
    return f"file://{root / 'course-edition.git'}"


class Hub:
    """A JupyterHub started on 127.0.0.1 with hub/jupyterhub_config.py, stopped by its pid."""

    def __init__(self, root: Path):
        self.root, self.port = root, free_ports()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password, self.token = secrets.token_hex(8), secrets.token_hex(16)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Hub:
        env = {**os.environ, "COURSE_HUB_ROOT": str(self.root), "COURSE_HUB_PORT": str(self.port),
               "COURSE_HUB_PASSWORD": self.password, "COURSE_HUB_INSTRUCTOR_TOKEN": self.token,
               "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        self.log = open(self.root / "hub.log", "wb")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [BIN / "jupyterhub", "-f", REPO / "hub" / "jupyterhub_config.py"],
            cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited: {(self.root / 'hub.log').read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the hub did not answer within 120 s")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)
        response.raise_for_status()
        return response

    def processes(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def __exit__(self, *exc) -> None:
        leftovers = self.processes()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for process in leftovers:
            if process.is_running():
                process.kill()
        self.log.close()


class Learner:
    """One learner: their browser session, their token and their kernel's websocket."""

    def __init__(self, hub: Hub, name: str, plan: str):
        self.hub, self.name, self.plan = hub, name, plan
        self.session = requests.Session()
        self.server = f"{hub.url}/user/{name}"

    def log_in(self) -> None:
        self.session.get(f"{self.hub.url}/hub/login", timeout=60).raise_for_status()
        answer = self.session.post(f"{self.hub.url}/hub/login", timeout=60, allow_redirects=False,
                                   data={"username": self.name, "password": self.hub.password,
                                         "_xsrf": self.session.cookies.get("_xsrf")})
        if answer.status_code != 302:
            raise RuntimeError(f"{self.name} could not log in: {answer.status_code}")
        self.hub.api("POST", f"/users/{self.name}/server")
        deadline = time.monotonic() + 600
        while not self.hub.api("GET", f"/users/{self.name}").json()["servers"].get(
                "", {}).get("ready"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}'s server did not start")
            time.sleep(1)
        self.token = self.hub.api("POST", f"/users/{self.name}/tokens",
                                  json={"note": "room", "expires_in": 7200}).json()["token"]

    def rest(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, f"{self.server}/api/{path}", timeout=120,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)
        response.raise_for_status()
        return response

    def pull(self, link: str, repo: str) -> None:
        """Open the link as a browser does (hub, OAuth, the server's git-pull page), then
        run the sync that page's script runs, to its end."""
        page = self.session.get(link, timeout=120)
        page.raise_for_status()
        if f"/user/{self.name}/git-pull" not in page.url:
            raise RuntimeError(f"{self.name}'s link landed on {page.url}")
        with requests.get(f"{self.server}/git-pull/api", stream=True, timeout=300,
                          params={"repo": repo, "branch": "main"},
                          headers={"Authorization": f"token {self.token}"}) as events:
            events.raise_for_status()
            for line in events.iter_lines(decode_unicode=True):
                if line.startswith("data:"):
                    phase = json.loads(line[5:]).get("phase")
                    if phase == "finished":
                        return
                    if phase == "error":
                        raise RuntimeError(f"{self.name}'s pull failed: {line}")
        raise RuntimeError(f"{self.name}'s pull ended without finishing")

    def start_kernel(self) -> None:
        self.kernel = self.rest("POST", "kernels", json={"name": "python3"}).json()["id"]

    def connect(self) -> None:
        """Open the kernel's websocket. Only when it is used at once: the server closes a
        socket whose pings go unanswered for two minutes, and the client answers them only
        while it reads."""
        url = self.server.replace("http", "ws", 1) + f"/api/kernels/{self.kernel}/channels"
        self.socket = websocket.create_connection(
            url, header=[f"Authorization: token {self.token}"], timeout=300)
        self.session_id = uuid.uuid4().hex

    def execute(self, code: str) -> str:
        """Run ``code`` in the kernel; its printed output; an error if it raised."""
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": self.session_id, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        printed, replied, idle = [], None, False
        while replied is None or not idle:
            frame = self.socket.recv()
            # Binary frames carry the widgets' buffers (the explorer's images): not for us.
            if isinstance(frame, bytes):
                continue
            message = json.loads(frame)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                printed.append(message["content"]["text"])
            elif kind == "execute_reply":
                replied = message["content"]
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
        if replied["status"] != "ok":
            raise RuntimeError(f"{self.name}'s cell raised {replied.get('ename')}: "
                               f"{replied.get('evalue')}")
        return "".join(printed)

    def explore(self) -> list[float]:
        out = self.execute(EXPLORER_CODE)
        return json.loads(out.split("MOVES ", 1)[1])

    def answer(self, folder: str, solutions: dict[str, str]) -> None:
        """Answer ex02 as the plan says, running each answered cell in the kernel and saving
        the notebook through the contents API."""
        if self.plan == "nothing":
            return
        path = f"{folder}/{EXERCISE}"
        if self.plan == "copy":
            copied = self.rest("POST", f"contents/{folder}/exercises",
                               json={"copy_from": path}).json()["path"]
            if not copied.endswith(COPY):
                raise RuntimeError(f"JupyterLab's copy is {copied}, not {COPY}")
            path = copied
        model = self.rest("GET", f"contents/{path}").json()
        notebook = nbformat.from_dict(model["content"])
        tasks = tuple(solutions) if self.plan in ("full", "copy") else PARTLY
        self.execute(notebook.cells[1].source)
        for index, cell in enumerate(notebook.cells):
            task = next((t for t in tasks if solutions[t].split("(")[0] in cell.source
                         and "NotImplementedError" in cell.source), None)
            if cell.cell_type == "code" and task:
                notebook.cells[index].source = solutions[task]
                self.execute(solutions[task])
        self.rest("PUT", f"contents/{path}", json={"type": "notebook", "format": "json",
                                                   "content": notebook})


def answer_cells() -> dict[str, str]:
    """ex02's answer cells from the solution notebook, by task: the cell before each check."""
    cells = nbformat.read(REPO / "exercises" / "solutions" / "ex02_momentum.ipynb", 4).cells
    answers = {}
    for previous, cell in zip(cells, cells[1:], strict=False):
        if cell.source.startswith('check("ex02.'):
            answers[cell.source.split('"')[1]] = previous.source
    return answers


def plans(count: int) -> list[str]:
    fixed = ["copy", "nothing"] if count >= 3 else []
    return ["full" if k % 2 == 0 else "partly" for k in range(count - len(fixed))] + fixed


def sandbox_works() -> bool:
    if shutil.which("bwrap") is None:
        return False
    return subprocess.run(["bwrap", "--ro-bind", "/", "/", "true"],
                          capture_output=True).returncode == 0


def run_room(count: int, root: Path) -> dict:
    solutions = answer_cells()
    repo = course_repository(root)
    folder = repo.rstrip("/").split("/")[-1]
    learners_done = {"pulled": 0}
    lock = threading.Lock()
    with Hub(root) as hub:
        link = subprocess.run(
            [BIN / "python", "-m", "course_lib.hub", "link", "--hub", hub.url, "--repo", repo,
             "--path", EXERCISE], check=True, capture_output=True, text=True).stdout.strip()
        learners = [Learner(hub, f"learner{k:02d}", plan) for k, plan in enumerate(plans(count))]
        alive = threading.Barrier(count)
        moves: list[float] = []
        began = time.monotonic()

        def one(learner: Learner) -> None:
            try:
                work(learner)
            except BaseException:
                alive.abort()  # the others stop waiting for this learner
                raise

        def work(learner: Learner) -> None:
            learner.log_in()
            learner.pull(link, repo)
            with lock:
                learners_done["pulled"] += 1
            learner.start_kernel()
            alive.wait(timeout=900)
            learner.connect()
            seconds = learner.explore()
            with lock:
                moves.extend(seconds)
            learner.answer(folder, solutions)

        with ThreadPoolExecutor(count) as pool:
            for future in [pool.submit(one, learner) for learner in learners]:
                future.result()
        servers = [p for p in hub.processes() if "jupyterhub-singleuser" in " ".join(p.cmdline())]
        kernels = [p for p in hub.processes() if "ipykernel" in " ".join(p.cmdline())]
        memory = {"server": [p.memory_info().rss / 2**20 for p in servers],
                  "kernel": [p.memory_info().rss / 2**20 for p in kernels]}
        for learner in learners:
            learner.socket.close()

        python = [BIN / "python", "-m", "course_lib.grading"]
        subprocess.run([*python, "collect", "--from-homes", root / "homes",
                        "--out", root / "submitted"], check=True, stdout=subprocess.DEVNULL)
        safety = [] if sandbox_works() else ["--unsafe"]
        subprocess.run([*python, "grade", root / "submitted", "--out", root / "graded",
                        "--exercises", "ex02", "--seed", "21", "--solutions",
                        REPO / "exercises" / "solutions", *safety],
                       check=True, stdout=subprocess.DEVNULL, cwd=root)
        graded_after = time.monotonic() - began
        subprocess.run([*python, "return", root / "graded", root / "homes"], check=True,
                       stdout=subprocess.DEVNULL)
    return {"learners": learners, "moves": moves, "memory": memory, "seconds": graded_after,
            "pulled": learners_done["pulled"], "sandbox": not safety}


def check_room(root: Path, learners: list[Learner]) -> tuple[int, int]:
    """(learners whose grade is the one their plan gives, learners with all feedback home)."""
    with open(root / "graded" / "grades.csv", newline="", encoding="utf-8") as file:
        rows = {row["learner"]: row for row in csv.DictReader(file)}
    most = rows["max"]
    every_task = [*answer_cells()]
    answered = {"full": every_task, "copy": every_task, "partly": PARTLY, "nothing": []}
    graded = returned = 0
    for learner in learners:
        row = rows[learner.name]
        tasks = answered[learner.plan]
        expected = sum(float(most[task]) for task in tasks)
        if float(row["total"]) != expected:
            raise AssertionError(f"{learner.name} ({learner.plan}) has {row['total']}, "
                                 f"expected {expected}")
        graded += 1
        stem = root / "graded" / row["feedback"].removesuffix(".md")
        home = root / "homes" / learner.name
        for suffix in FEEDBACK:
            given = (home / f"feedback{suffix}").read_bytes()
            if given != stem.with_name(stem.name + suffix).read_bytes():
                raise AssertionError(f"{learner.name}'s feedback{suffix} differs from graded")
        returned += 1
    return graded, returned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30, help="learners (default 30)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary root")
    args = parser.parse_args()
    if args.learners < 1:
        parser.error(f"--learners must be at least 1, got {args.learners}")
    root = Path(tempfile.mkdtemp(prefix="hub-room-"))
    try:
        room = run_room(args.learners, root)
        graded, returned = check_room(root, room["learners"])
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    moves = 1000 * np.array(room["moves"])
    server, kernel = room["memory"]["server"], room["memory"]["kernel"]
    print(f"grading: {'bubblewrap sandbox' if room['sandbox'] else '--unsafe (no sandbox)'}")
    print(f"memory per learner: server {np.median(server):.0f} MiB, kernel "
          f"{np.median(kernel):.0f} MiB (median RSS over {len(server)} servers and "
          f"{len(kernel)} kernels)")
    print(f"first login to every learner graded: {room['seconds']:.0f} s")
    print(f"explorer moves with {args.learners} kernels active: median {np.median(moves):.0f} "
          f"ms, p95 {np.percentile(moves, 95):.0f} ms ({len(moves)} moves)")
    lost = args.learners - returned
    print(f"room: {args.learners} learners, {room['pulled']} pulled, {graded} graded, "
          f"{returned} feedback returned, {lost} lost")


if __name__ == "__main__":
    main()
