#!/usr/bin/env bash
# Reproduces every figure of docs/results.md (the time it took is in results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=1
run() { dotnet run -c Release --project PolicyGradient.Benchmarks --no-build -- "$@"; }
dotnet build -c Release PolicyGradient.Benchmarks > /dev/null
# Monte-Carlo REINFORCE with the leave-one-out average baseline and normalised advantages, at the settings these
# studies were first run with (the tasks' defaults have since moved to the learned critic: see below)
avg=(--baseline average --leave-one-out --normalize)
cartpole=(--env CartPole-v1 --discount 1 --hidden 64 --batch-episodes 4 --lr 0.02)
run compare "${cartpole[@]}" --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/cartpole-defaults
run compare "${cartpole[@]}" --seeds 10 --first-seed 11 --estimators reward-to-go+average+loo+norm --out docs/results/cartpole-heldout
run compare --env Acrobot-v1 --discount 1 --hidden 32 --batch-episodes 8 --lr 0.01 --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/acrobot
pendulum=(--env Pendulum-v1 --discount 0.99 --batch-episodes 32 --lr 0.01 --max-steps 2000000 --target -300)
run compare "${pendulum[@]}" --head gaussian --initial-log-std -1 --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/pendulum
run compare "${pendulum[@]}" --head beta --seeds 10 --estimators reward-to-go+average+loo+norm --out docs/results/pendulum-beta
mcc=(--env MountainCarContinuous-v0 --discount 1 --batch-episodes 8 --lr 0.01 --entropy 0 --seeds 10 --estimators reward-to-go+average+loo+norm)
run compare "${mcc[@]}" --head gaussian --initial-log-std 0 --out docs/results/mountaincarcontinuous-gaussian
run compare "${mcc[@]}" --head beta --out docs/results/mountaincarcontinuous-beta
for env in LaneKeeping-v0 LaneKeepingDiscrete-v0; do
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    run train --env "$env" "${avg[@]}" --batch-episodes 8 --lr 0.01 --seed "$seed" --save "docs/results/$env-$seed.json" --report "docs/results/$env-$seed-train.json" > /dev/null
    run evaluate --checkpoint "docs/results/$env-$seed.json" --env "$env" --episodes 20 --seed 2026 --report "docs/results/$env-$seed-eval.json"
  done
done

# The tasks' defaults: reward-to-go, the learned critic with GAE(γ, λ), normalised advantages (Pendulum-v1: the Beta head)
run compare --env CartPole-v1 --seeds 3 --out docs/results/cartpole-compare
run compare --env CartPole-v1 --seeds 10 --estimators reward-to-go+value+norm --out docs/results/cartpole-critic
run compare --env CartPole-v1 --seeds 10 --first-seed 11 --estimators reward-to-go+value+norm --out docs/results/cartpole-critic-heldout
run compare --env Acrobot-v1 --seeds 10 --estimators reward-to-go+value+norm --out docs/results/acrobot-critic
run compare --env Acrobot-v1 --seeds 10 --first-seed 11 --estimators reward-to-go+value+norm --out docs/results/acrobot-critic-heldout
mkdir -p docs/results/critic
for task in "Pendulum-v1 beta 100" "Pendulum-v1 gaussian 100" "LaneKeeping-v0 gaussian 100" "LaneKeeping-v0 beta 100" "MountainCarContinuous-v0 gaussian 100"; do
  set -- $task
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    out="docs/results/critic/$1-$2-$seed"
    run train --env "$1" --head "$2" --seed "$seed" --save "$out.json" --report "$out-train.json" > /dev/null
    run evaluate --checkpoint "$out.json" --episodes "$3" --seed 2026 --report "$out-eval.json" > /dev/null
  done
done
