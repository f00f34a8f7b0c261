#!/usr/bin/env bash
# Same set-up as CI (tools/setup.sh), then a build so notebooks can reference artifacts/lib/Curriculum.dll.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh
dotnet build
./curriculum run environment-check.dib
