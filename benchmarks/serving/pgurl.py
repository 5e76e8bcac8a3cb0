#!/usr/bin/env python3
"""Turns an Npgsql connection string (Host=…;Port=…;Database=…;Username=…) into a psql URL."""
import sys
pairs = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
k = {key.strip().lower(): value.strip() for key, value in pairs.items()}
user = k.get("username", k.get("user id", "postgres"))
print("postgresql://%s@%s:%s/%s" % (user, k.get("host", "127.0.0.1"), k.get("port", "5432"), k.get("database", "klimapakt")))
