#!/usr/bin/env bash
# Reproduces every figure of docs/results.md (the time it took is in results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=1
run() { dotnet run -c Release --project PolicyGradient.Benchmarks --no-build -- "$@"; }
dotnet build -c Release PolicyGradient.Benchmarks > /dev/null
run compare --env CartPole-v1 --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/cartpole-defaults
run compare --env CartPole-v1 --seeds 10 --first-seed 11 --estimators reward-to-go+average+loo+norm --out docs/results/cartpole-heldout
run compare --env CartPole-v1 --seeds 3 --out docs/results/cartpole-compare
run compare --env Acrobot-v1 --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/acrobot
run compare --env Pendulum-v1 --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/pendulum
run compare --env Pendulum-v1 --head beta --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/pendulum-beta
for head in gaussian beta; do
  run compare --env MountainCarContinuous-v0 --head "$head" --seeds 10 --estimators reward-to-go+average+loo+norm --out "docs/results/mountaincarcontinuous-$head"
done
for env in LaneKeeping-v0 LaneKeepingDiscrete-v0; do
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    run train --env "$env" --seed "$seed" --save "docs/results/$env-$seed.json" --report "docs/results/$env-$seed-train.json" > /dev/null
    run evaluate --checkpoint "docs/results/$env-$seed.json" --env "$env" --episodes 20 --seed 2026 --report "docs/results/$env-$seed-eval.json"
  done
done
