#!/usr/bin/env bash
# Same set-up as CI (tools/setup.sh), the .NET kernel for Jupyter, then a build so notebooks can
# reference artifacts/lib/Curriculum.dll, and the environment check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh
dotnet tool restore
dotnet dotnet-interactive jupyter install
dotnet build
./curriculum run environment-check.dib
