"""Schemathesis hooks for scripts/schemathesis.sh: what the run must not do, and the few
failures that are Schemathesis's misreading rather than the server's fault, each narrowed to
the exact case and explained where it is listed.

1. The run authenticates with one personal access token. `DELETE /api/v1/auth/tokens/{id}`
   with that token's own id would revoke it, and every later request would be a 401 for a
   reason that has nothing to do with the operation under test. Only that id is left out.
2. Some rules cannot be written in JSON Schema (an opaque cursor, a handle another member
   has, a date relative to today, a file's contents...). A schema-valid request refused with
   422 on exactly such a field, as `UNSTATABLE` lists per operation, is not a failure; a
   refusal on any other field, or with any other status, still is.
3. One path heuristic of the use-after-free check (see `REACTION`).
"""

import os
import re

import schemathesis

TOKEN_ID = os.environ.get("GUILD_TOKEN_ID", "")
# Where each dropped failure is written, one line each, for the script to count and print.
DROPPED = os.environ.get("GUILD_ST_DROPPED", "")


def _dropped(what):
    if DROPPED:
        with open(DROPPED, "a", encoding="utf-8") as f:
            f.write(what + "\n")
    return False


def _number(raw):
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


@schemathesis.hook
def filter_path_parameters(ctx, path_parameters):
    op = ctx.operation
    if op is None or (op.method.upper(), op.path) != ("DELETE", "/api/v1/auth/tokens/{id}"):
        return True
    own = _number(TOKEN_ID)
    return own is None or _number((path_parameters or {}).get("id")) != own


# Rules that no JSON Schema can state, by operation: a schema-valid request may still be
# refused (422) on these fields, and only on these. Each names why. A refusal on any other
# field, or with any other status, is still a failure.
UNSTATABLE = {
    # A cursor is opaque: only a `next_cursor` the server gave reads as a page. Every paged
    # route refusing an invented one is tested in crates/web/tests/it/seams.rs.
    "*": {"cursor"},
    # A handle another member already has.
    ("POST", "/api/v1/auth/signup"): {"handle"},
    ("PUT", "/api/v1/me/handle"): {"handle"},
    # The asker's own handle: one cannot follow or block oneself (the run changes the
    # asker's handle through PUT /api/v1/me/handle, and then meets it here).
    ("PUT", "/api/v1/follows/{handle}"): {"handle"},
    ("DELETE", "/api/v1/follows/{handle}"): {"handle"},
    ("PUT", "/api/v1/blocks/{handle}"): {"handle"},
    # The code emailed to the owner of an account being guessed: a secret.
    ("POST", "/api/v1/auth/tokens"): {"code"},
    # The asker's current password: a secret.
    ("POST", "/api/v1/me/password"): {"current_password"},
    ("PUT", "/api/v1/me/email"): {"password"},
    # At least 5 digits (the length and the characters are in the pattern).
    ("PATCH", "/api/v1/me/profile"): {"phone"},
    # A start month not after this month, an end not before the start.
    ("POST", "/api/v1/me/positions"): {"start", "end"},
    ("PUT", "/api/v1/me/positions/{id}"): {"start", "end"},
    # An end year not before the start year.
    ("POST", "/api/v1/me/education"): {"end_year"},
    # Non-blank skills counted and compared ignoring case.
    ("PUT", "/api/v1/me/skills"): {"skills"},
    # Images and covers are keys of the asker's own uploads; a body may be blank only with
    # images; a title only on an article, whose body may be longer than a post's.
    ("POST", "/api/v1/posts"): {"body", "images", "cover", "title"},
    ("PATCH", "/api/v1/posts/{id}"): {"body", "images", "cover", "title"},
    # A comment of this post.
    ("POST", "/api/v1/posts/{id}/comments"): {"parent_id"},
    # Members who exist and may be written to; an attachment the asker uploaded; a body
    # that may be blank only with an attachment.
    ("POST", "/api/v1/conversations"): {"to", "attachment", "body"},
    ("POST", "/api/v1/conversations/{id}/messages"): {"attachment", "body"},
    # Dates: the end after the start and not past, at most a year apart; a colleague who
    # exists and is not the asker.
    ("PUT", "/api/v1/me/away"): {"start", "end", "contact_handle"},
    # At most MAX_LINKS featured links: a count of what the member already has.
    ("POST", "/api/v1/me/links"): {"url"},
    # The contents of an uploaded file: an image the decoder reads (of the accepted types,
    # for attachments too), a contacts file.
    ("POST", "/api/v1/attachments"): {"file"},
    ("POST", "/api/v1/me/photo"): {"photo"},
    ("POST", "/api/v1/media"): {"image"},
    ("POST", "/api/v1/contacts/import"): {"file"},
}


# `DELETE /posts/{id}/reaction` takes back the asker's reaction; `GET /posts/{id}/reactions`
# lists everyone's, and stays. Schemathesis reads the two as one resource (it compares path
# segments ignoring a trailing "s"), so an empty list after the DELETE looks like a deleted
# resource still served. The paths are the API's contract.
REACTION = re.compile(r"^DELETE /api/v1/posts/[^/]+/reaction$")
REACTIONS = re.compile(r"^GET /api/v1/posts/[^/]+/reactions$")


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    if failure.code == "ST301":
        if REACTION.match(getattr(failure, "free", "") or "") and REACTIONS.match(
            getattr(failure, "usage", "") or ""
        ):
            return _dropped("ST301 DELETE /api/v1/posts/{id}/reaction then GET .../reactions")
        return True
    if failure.code != "ST202" or response.status_code != 422:
        return True
    try:
        fields = set(response.json()["error"]["fields"])
    except (ValueError, KeyError, TypeError):
        return True
    op = (case.operation.method.upper(), case.operation.path)
    allowed = UNSTATABLE["*"] | UNSTATABLE.get(op, set())
    if fields and fields <= allowed:
        return _dropped(f"ST202 422 {op[0]} {op[1]} on {', '.join(sorted(fields))}")
    return True
