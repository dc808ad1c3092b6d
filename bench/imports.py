"""Import benchmark: a generated calendar of 100k events and a mailbox of 100k messages through ``relmap import``.

    python -m bench.imports                       # 100k events, 100k messages
    python -m bench.imports --events 20000 --messages 20000 --json bench/out/imports.json

The files look like real exports: an Outlook-style ``.ics`` (VTIMEZONE, TZID
times, organizers and 1-5 attendees with CN names, rooms, declined and
cancelled events, 1% weekly series with an EXDATE and an override) and an mbox
(postmark lines, From/To/Cc, RFC 2047 names on one message in ten, list mail,
bodies of about 600 bytes), over 20 colleagues and 3,000 people at 500
companies and free-mail providers. Each import runs as its own ``relmap import``
process (``python -m relmap``) into an empty folder, then once more into the
folder it wrote (a re-import: everything matched, nothing written); wall time,
records read per second (of wall time, and of the process's CPU time, which a
shared machine does not stretch) and its peak RSS (``wait4``) are reported. The
target is 20,000 records a second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from email.header import Header
from pathlib import Path

TARGET = 20_000
TEAM = [f"rep{n:02d}@northwind.example" for n in range(20)]
FIRST = ["Anna", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kai", "Lena", "Mateo",
         "Nora", "Olga", "Pavel", "Quinn", "Rosa", "Sven", "Tara", "Ugo", "Vera", "Wen", "Xavier", "Yuki", "Zoë"]
LAST = ["Becker", "Chen", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ivanova", "Jensen", "Kowalski",
        "López", "Müller", "Novak", "O'Brien", "Petrov", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber"]
FREE = ["gmail.com", "outlook.com", "yahoo.com", "gmx.de", "hotmail.com"]
SUMMARIES = ["Weekly sync", "Quarterly review", "Demo", "Lunch", "Tennis", "Contract negotiation", "Call", "Dinner",
             "Workshop", "Go club", "Intro call", "Proposal walkthrough", "Golf", "Site visit", "Support escalation"]


def _people(rng: random.Random) -> list[tuple[str, str]]:
    domains = [f"company{n:03d}.example" for n in range(500)]
    out = []
    for n in range(3000):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        domain = rng.choice(FREE) if rng.random() < 0.1 else rng.choice(domains)
        local = f"{first}.{last}{n}".lower().replace("'", "").replace("é", "e").replace("ë", "e").replace("í", "i") \
            .replace("ü", "u").replace("ó", "o")
        out.append((f"{first} {last}", f"{local}@{domain}"))
    return out


def write_ics(path: Path, events: int, seed: int = 1) -> None:
    """An Outlook-style calendar of ``events`` events (1% of them weekly series)."""
    rng = random.Random(seed)
    people = _people(rng)
    with path.open("w", encoding="utf-8", newline="\r\n") as fh:
        fh.write("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\n"
                 "METHOD:PUBLISH\nBEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\nDTSTART:16011028T030000\n"
                 "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\n"
                 "BEGIN:DAYLIGHT\nDTSTART:16010325T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nTZOFFSETFROM:+0100\n"
                 "TZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\n")
        for n in range(events):
            day = rng.randrange(365)
            month, dom = 1 + day // 31 % 12, 1 + day % 28
            hour = rng.randrange(7, 20)
            organizer = rng.choice(TEAM)
            guests = rng.sample(people, rng.randint(1, 5))
            lines = ["BEGIN:VEVENT", f"UID:{n:08x}-bench@northwind.example", "DTSTAMP:20240101T000000Z",
                     f"DTSTART;TZID=Europe/Berlin:2024{month:02d}{dom:02d}T{hour:02d}0000",
                     f"DTEND;TZID=Europe/Berlin:2024{month:02d}{dom:02d}T{hour:02d}4500",
                     f"SUMMARY:{rng.choice(SUMMARIES)}", "DESCRIPTION:Agenda and notes that relmap never keeps.",
                     f"ORGANIZER;CN=Rep {organizer[3:5]}:mailto:{organizer}"]
            for name, email in guests:
                status = "DECLINED" if rng.random() < 0.05 else "ACCEPTED"
                lines.append(f'ATTENDEE;CN="{name}";ROLE=REQ-PARTICIPANT;PARTSTAT={status};RSVP=TRUE:mailto:{email}')
            if rng.random() < 0.2:
                lines.append("ATTENDEE;CUTYPE=ROOM;CN=Room 4.12;PARTSTAT=ACCEPTED:mailto:room412@northwind.example")
            recurring = rng.random() < 0.01
            if recurring:
                lines += ["RRULE:FREQ=WEEKLY;COUNT=20", f"EXDATE;TZID=Europe/Berlin:2024{month:02d}{dom:02d}T{hour:02d}0000"]
            if rng.random() < 0.03:
                lines.append("STATUS:CANCELLED")
            fh.write("\n".join(lines) + "\nEND:VEVENT\n")
            if recurring:  # an override moving the second occurrence by an hour
                fh.write("\n".join(lines[:2] + [l for l in lines[2:] if not l.startswith(("RRULE", "EXDATE", "DTSTART", "DTEND"))]) +
                         f"\nRECURRENCE-ID;TZID=Europe/Berlin:2024{month:02d}{dom:02d}T{hour:02d}0000\n"
                         f"DTSTART;TZID=Europe/Berlin:2024{month:02d}{dom:02d}T{hour + 1:02d}0000\nEND:VEVENT\n")
        fh.write("END:VCALENDAR\n")


def write_mbox(path: Path, messages: int, seed: int = 2) -> None:
    """An mbox of ``messages`` messages, with bodies, encoded names and list mail."""
    rng = random.Random(seed)
    people = _people(rng)
    body = ("Hello,\n\nthanks for the call. " * 20 + "\n\n>From the notes: nothing relmap reads.\n").encode()
    with path.open("wb") as fh:
        for n in range(messages):
            sender = rng.choice(TEAM) if rng.random() < 0.5 else rng.choice(people)[1]
            to = rng.sample(people, rng.randint(1, 3))
            cc = [("", rng.choice(TEAM))] if rng.random() < 0.4 else []
            name, email = to[0]
            encoded = Header(name, "utf-8").encode() if rng.random() < 0.1 else name
            headers = [f"From: {sender}", "To: " + ", ".join([f"{encoded} <{email}>"] +
                                                              [f"{nm} <{em}>" for nm, em in to[1:]]),
                       f"Subject: Re: proposal {n}", f"Date: Tue, {1 + n % 28:02d} May 2024 10:{n % 60:02d}:00 +0200",
                       f"Message-ID: <{n:08x}.bench@mail.example>", "MIME-Version: 1.0",
                       "Content-Type: text/plain; charset=utf-8"]
            if cc:
                headers.append("Cc: " + cc[0][1])
            if rng.random() < 0.05:
                headers += ["List-Id: <team.lists.company001.example>", "List-Post: <mailto:team@lists.company001.example>"]
            fh.write(f"From {sender} Tue May 14 10:04:25 2024\n".encode() + "\n".join(headers).encode() + b"\n\n" + body +
                     b"\n")


def _run(kind: str, source: Path, into: Path) -> dict[str, float | int]:
    """One ``relmap import`` process: its wall time, what it read, its peak RSS."""
    cmd = [sys.executable, "-m", "relmap", "import", kind, str(source), "--into", str(into), "--as-of", "2025-01-01",
           "--our-domain", "northwind.example", "--json"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"relmap import {kind} failed ({proc.returncode}): {err.decode()[-2000:]}")
    doc = json.loads(out)
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": round(seconds, 2), "read": doc["read"], "per_second": round(doc["read"] / seconds),
            "cpu_seconds": round(cpu, 2), "per_cpu_second": round(doc["read"] / cpu),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "interactions_added": doc["added"]["interactions"],
            "people_added": doc["added"]["people"], "skipped": len(doc["skipped"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--json", dest="json_path", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float | int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for kind, name, write, count in (("calendar", "bench.ics", write_ics, args.events),
                                         ("mail", "bench.mbox", write_mbox, args.messages)):
            source = work / name
            started = time.perf_counter()
            write(source, count)
            print(f"wrote {name}: {count:,} records, {source.stat().st_size / 1e6:.0f} MB in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            into = work / f"in-{kind}"
            shutil.rmtree(into, ignore_errors=True)
            results[kind] = _run(kind, source, into) | {"file_mb": round(source.stat().st_size / 1e6)}
            results[f"{kind} (re-import)"] = _run(kind, source, into)
    load = os.getloadavg()[0]
    print(f"{'import':<22} {'records':>9} {'seconds':>8} {'records/s':>10} {'CPU s':>7} {'per CPU s':>10} "
          f"{'peak RSS':>9}  target {TARGET:,}/s (load average {load:.1f} on {os.cpu_count()} cores)")
    ok = True
    for name, r in results.items():
        met = r["per_second"] >= TARGET
        ok = ok and met
        print(f"{name:<22} {r['read']:>9,} {r['seconds']:>8.1f} {r['per_second']:>10,} {r['cpu_seconds']:>7.1f} "
              f"{r['per_cpu_second']:>10,} {r['peak_rss_mb']:>6} MB  {'met' if met else 'MISSED'}")
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        args.json_path.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
