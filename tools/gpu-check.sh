#!/usr/bin/env bash
# The CUDA check of the torch devices, on a machine with an NVIDIA GPU:
#   1. builds the CUDA variant (TorchSharp-cuda-linux from nuget.org: -p:TorchBackend=cuda), unless --no-build;
#   2. runs the device tests (op parity forward and backward, GPT/BERT/T5 training parity, checkpoints across devices)
#      with the device under test set to cuda instead of torch-cpu (CURRICULUM_TEST_DEVICE);
#   3. benchmarks training throughput of the BERT-base-sized encoder (`bench engine --config base`) on the device in
#      bf16 autocast, and the same encoder written directly in TorchSharp (fp32), and prints tokens/s and model FLOPs
#      utilisation: achieved FLOP/s (6·N·B·T + 12·L·B·T²·d per step) over the GPU's dense bf16 peak.
#
# A GPU machine may have no package feed: build on a machine that has one (step 1 there, same path), copy the clone
# with its build outputs and `cp -rL artifacts/torch` (the device folder holds links into the NuGet cache; -L copies
# the files), then run this with --no-build.
#
# Usage: tools/gpu-check.sh [--no-build] [--device cuda|torch-cpu] [--config base] [--steps 20] [--threads N] [--peak-tflops X]
#   --device torch-cpu runs the same steps on libtorch's CPU with the default build (what CI can check of this script).
#   --peak-tflops: the GPU's dense bf16 peak in TFLOP/s when its name is not in the table below.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1 device=cuda config=base steps=20 threads=$(nproc) peak=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --device) device="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --peak-tflops) peak="$2"; shift 2 ;;
    *) echo "gpu-check: unknown argument '$1' (expected --no-build, --device, --config, --steps, --threads, --peak-tflops)" >&2; exit 2 ;;
  esac
done
case "$device" in
  cuda) backend=cuda ;;
  torch-cpu) backend=cpu ;;
  *) echo "gpu-check: --device is '$device': expected cuda or torch-cpu" >&2; exit 2 ;;
esac

if [ "$device" = cuda ]; then
  command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found: this machine has no NVIDIA driver" >&2; exit 2; }
  gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)
  echo "GPU: $gpu"
  if [ -z "$peak" ]; then
    # Dense bf16 tensor-core peaks from the vendor's datasheets (TFLOP/s, without sparsity).
    case "$gpu" in
      *H200*) peak=989 ;;
      *H100*SXM*|*H100\ 80GB\ HBM3*) peak=989 ;;
      *H100*PCIe*|*H100*) peak=756 ;;
      *A100*) peak=312 ;;
      *L40S*) peak=362 ;;
      *L4*) peak=121 ;;
      *A10*) peak=125 ;;
      *RTX\ 4090*) peak=165 ;;
      *) echo "gpu-check: no bf16 peak known for '$gpu': pass --peak-tflops" >&2; exit 2 ;;
    esac
  fi
fi

export TorchBackend=$backend   # MSBuild reads it as a property: every build below, and ./curriculum's, use this backend
if [ "$build" = 1 ]; then
  echo "== build (TorchBackend=$backend)"
  dotnet build Curriculum.sln -c Release --nologo -v quiet
  dotnet build tools/reference/torchsharp_train_step -c Release --nologo -v quiet
fi

echo "== device tests on $device"
CURRICULUM_TEST_DEVICE=$device dotnet test tests/Curriculum.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Curriculum.Tests.Torch" --logger "console;verbosity=minimal"

echo "== throughput: $config, $steps steps"
cli=(dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll)
ours=$("${cli[@]}" bench engine --device "$device" --config "$config" --precision bf16 --steps "$steps" --threads "$threads" --json | tail -1)
direct=$(dotnet tools/reference/torchsharp_train_step/bin/Release/net10.0/TorchSharpTrainStep.dll "$config" \
  --steps "$steps" --threads "$threads" --device "$([ "$device" = cuda ] && echo cuda || echo cpu)" | tail -1)
python3 - "$ours" "$direct" "${peak:-0}" <<'PY'
import json, sys
ours, direct, peak = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
for name, r in (("library, bf16 autocast", ours), ("TorchSharp direct, fp32", direct)):
    mfu = f", MFU {r['gflops'] / (peak * 1e3):.1%} of {peak:.0f} TFLOP/s bf16" if peak else ""
    print(f"{name:24} {r['tokens_per_s']:>12,.0f} tokens/s  {r['gflops']:>10,.1f} GFLOP/s{mfu}  peak RSS {r['peak_rss_mb']:.0f} MB")
print("raw:", json.dumps(ours), json.dumps(direct), sep="\n")
PY
