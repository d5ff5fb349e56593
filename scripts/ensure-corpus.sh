#!/usr/bin/env bash
# Prints the path of the shared generated corpus data/workers-COUNT.jsonl (seed 42), generating
# it first when absent. Every script uses this one file per size, so the gateway's saved index
# beside it is reused across runs.
#   ensure-corpus.sh COUNT CORPUS_BIN
set -euo pipefail
count=${1:?usage: ensure-corpus.sh COUNT CORPUS_BIN}
bin=${2:?usage: ensure-corpus.sh COUNT CORPUS_BIN}
corpus=data/workers-${count}.jsonl
if [[ ! -s "$corpus" ]]; then
  mkdir -p data
  echo "generating a ${count}-worker corpus in $corpus" >&2
  "$bin" --count "$count" --seed 42 --out "$corpus"
fi
echo "$corpus"
