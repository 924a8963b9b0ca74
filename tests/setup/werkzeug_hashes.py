# Hashes passwords with the werkzeug this interpreter has, for the workerd tests' cross-check
# (tests/setup/werkzeug.ts). Reads {"items": [{"method": ..., "password": ...}]} on stdin; writes
# {"version": ..., "hashes": [{"method", "password", "hash"} | {"method", "password", "error"}]}.
# method "default" is generate_password_hash's own default in this version. An item with "rounds"
# also times check_password_hash on the hash that many times (for `npm run bench:legacy-hashes`:
# werkzeug's own cost, i.e. OpenSSL's through hashlib), in "ms".
import json
import sys
import time
from importlib.metadata import version

from werkzeug.security import check_password_hash, generate_password_hash

request = json.load(sys.stdin)
hashes = []
for item in request["items"]:
    method, password = item["method"], item["password"]
    try:
        made = generate_password_hash(password) if method == "default" else generate_password_hash(password, method)
    except Exception as error:  # a method this version cannot write (ValueError, or OpenSSL's own)
        hashes.append({"method": method, "password": password, "error": str(error)})
        continue
    # werkzeug itself must accept what it wrote, or the vector says nothing.
    assert check_password_hash(made, password), method
    timings = []
    for _ in range(item.get("rounds", 0)):
        start = time.perf_counter()
        check_password_hash(made, password)
        timings.append((time.perf_counter() - start) * 1000)
    hashes.append({"method": method, "password": password, "hash": made, "ms": timings})
json.dump({"version": version("werkzeug"), "python": sys.executable, "hashes": hashes}, sys.stdout)
