#!/usr/bin/env bash
# Publish the site to your own web server with rsync (over SSH, or to a folder on this machine).
#
#   deploy/site/rsync.sh [--dry-run] [--no-build] DEST
#   make deploy DEST=... [DRY_RUN=1]            (the same, from this repository's Makefile)
#
# DEST is where the web server serves the site from, in rsync's usual form:
#   deploy@www.example.gov.uk:/var/www/good-practice/    on another machine, over SSH
#   /var/www/good-practice/                              on this machine
#
# What it does:
#   - builds the site with `make build` (leave that out with --no-build, when an earlier
#     step of your pipeline has built site/ already);
#   - copies site/ to DEST, comparing files by their content (--checksum), so that pages
#     which did not change keep their dates and readers' browsers keep their cached copies;
#   - deletes from DEST what the site no longer has (--delete), after the new files are all
#     in place (--delay-updates), so that readers do not meet a half-copied site. The folder
#     .well-known/ at DEST (certificate renewal, security.txt) is never deleted.
#   --dry-run lists what would change and changes nothing. Do that first with a new DEST:
#   everything there that is not part of the site would be deleted.
#
# If the site is served below a sub-path (https://www.example.gov.uk/good-practice/), DEST is
# the folder the web server maps that sub-path to, and mkdocs.yml's `site_url` must be that
# full address, ending in "/".
#
# No password or key belongs in this file. rsync uses your SSH set-up (~/.ssh/config, an
# SSH agent). From a CI pipeline, put the deploy key in the CI system's secret settings and
# load it into ssh-agent before this step; set RSYNC_RSH (for example "ssh -p 2222") for a
# different SSH port or command.
set -euo pipefail

usage() {
  echo "Usage: $0 [--dry-run] [--no-build] DEST"
  echo "  for example: $0 --dry-run deploy@www.example.gov.uk:/var/www/good-practice/"
}

dry_run=()
build=yes
while [ "$#" -gt 0 ]; do
  case "$1" in
    -n | --dry-run) dry_run=(--dry-run); shift ;;
    --no-build) build=no; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) break ;;
  esac
done

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "Say where to publish the site (one destination)." >&2
  usage >&2
  exit 2
fi
dest=$1

# With --delete, a destination such as "host:" (the home folder) or "/" would lose everything
# else in it. Refuse those; a site has a folder of its own.
folder=${dest##*:}
case "$folder" in
  "" | "/" | "." | "./" | \~ | \~/)
    echo "Refusing to publish to \"$dest\": give the site's own folder, such as /var/www/good-practice/." >&2
    exit 2
    ;;
esac

site=${SITE_DIR:-site}
if [ "$build" = yes ]; then
  make build
fi
if [ ! -f "$site/index.html" ]; then
  echo "There is no $site/index.html to publish. Build the site first: make build" >&2
  exit 1
fi

if [ "${#dry_run[@]}" -gt 0 ]; then
  echo "Dry run: showing what would change at $dest; nothing is copied or deleted."
fi

# --recursive --links: the whole folder, as it is. No --times: with --checksum, a file whose
# content is unchanged is left alone, dates and all. --chmod: readable by the web server.
rsync --recursive --links --checksum --delete --delete-delay --delay-updates \
  --filter="protect /.well-known/" \
  --chmod=D755,F644 \
  --itemize-changes --human-readable \
  ${dry_run[@]+"${dry_run[@]}"} \
  "$site/" "$dest"

if [ "${#dry_run[@]}" -eq 0 ]; then
  echo "Published $site/ to $dest"
fi
