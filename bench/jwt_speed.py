"""HS256 guesses per second: spillcheck, a PyJWT loop, and openssl's HMAC-SHA256 limit."""
import os
import random
import re
import statistics
import string
import subprocess
import sys
import time

import jwt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPILLCHECK = os.path.join(ROOT, "target", "release", "spillcheck")
OUT = os.path.join(ROOT, "bench", "out")


def main():
    words, runs = int(sys.argv[1]), int(sys.argv[2])
    wordlist = os.path.join(OUT, f"words-{words}.txt")
    if not os.path.exists(wordlist):
        rng = random.Random(7)
        alphabet = string.ascii_lowercase + string.digits
        with open(wordlist, "w") as fh:
            for _ in range(words):
                fh.write("".join(rng.choices(alphabet, k=rng.randint(6, 14))) + "\n")
    # A realistic access token: header + payload of about 200 bytes once encoded.
    claims = {"sub": "1234567", "email": "jane@example.com", "role": "user", "scope": "notes:read notes:write",
              "iat": 1764400000, "exp": 1764403600}
    token = jwt.encode(claims, "not-in-the-wordlist-0d9c8b7a", algorithm="HS256")
    signing_input = token.rsplit(".", 1)[0]

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run([SPILLCHECK, "jwt", "-", "--wordlist", wordlist, "--format", "json"],
                           input=token, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        assert p.returncode in (0, 1), p.stderr
    spill = words / statistics.median(times)

    sample = 200_000
    with open(wordlist) as fh:
        candidates = [next(fh).rstrip("\n") for _ in range(sample)]
    start = time.perf_counter()
    for w in candidates:
        try:
            jwt.decode(token, w, algorithms=["HS256"], options={"verify_exp": False})
            break
        except jwt.InvalidSignatureError:
            pass
    pyjwt = sample / (time.perf_counter() - start)

    out = subprocess.run(["openssl", "speed", "-seconds", "3", "-bytes", "256", "-hmac", "sha256"],
                         capture_output=True, text=True).stdout
    kbytes = float(re.search(r"hmac\(sha256\)\s+([\d.]+)k", out).group(1))
    openssl = kbytes * 1000 / 256
    cores = os.cpu_count()

    print("# HS256 secret cracking\n")
    print(f"Command: `bench/jwt_speed.sh {words} {runs}`. A {len(signing_input)}-byte signing input (header + payload),")
    print(f"a wordlist of {words:,} random words without the secret (a full pass), {cores} cores, release build.")
    print("spillcheck's time is the whole command (start-up, built-in list, reading the file), median of")
    print(f"{runs} runs. PyJWT: `jwt.decode` in a Python loop over the first {sample:,} words. openssl: `openssl")
    print("speed -hmac sha256 -bytes 256`, one core, one fixed key (the key set-up that cracking pays per")
    print("guess is not in it).\n")
    print("| | guesses per second | per core | vs PyJWT |")
    print("|---|---|---|---|")
    print(f"| spillcheck jwt --wordlist | {spill:,.0f} | {spill / cores:,.0f} | {spill / pyjwt:,.0f}× |")
    print(f"| PyJWT loop (1 core) | {pyjwt:,.0f} | {pyjwt:,.0f} | 1× |")
    print(f"| openssl HMAC-SHA256, 256 B (1 core) | {openssl:,.0f} | {openssl:,.0f} | {openssl / pyjwt:,.0f}× |")


if __name__ == "__main__":
    main()
