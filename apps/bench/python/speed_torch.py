"""PyTorch side of the speed benchmark (apps/bench/src/speed.ts runs this in the same job).

Times the same workloads as the TypeScript side on a JEM-layout WideResNet (pre-activation
blocks, LeakyReLU 0.2, biased convolutions, BatchNorm momentum 0.9, stride on conv2):
  train: forward + backward + SGD step at batch B (train-mode BN)
  input-grad: forward + gradient of sum(logsumexp(logits)) w.r.t. the input (eval-mode BN)
Prints one JSON object on stdout: {"torch": version, "threads": n, "results": [...]}.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, momentum=0.9)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout, momentum=0.9)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride, 1)
        self.shortcut = nn.Conv2d(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        h = self.conv1(F.leaky_relu(self.bn1(x), 0.2))
        h = self.conv2(F.leaky_relu(self.bn2(h), 0.2))
        return h + (self.shortcut(x) if self.shortcut is not None else x)


class WRN(nn.Module):
    def __init__(self, depth, width, classes=10):
        super().__init__()
        n = (depth - 4) // 6
        widths = [16, 16 * width, 32 * width, 64 * width]
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1)
        layers, cin = [], 16
        for stage, stride in zip(range(3), (1, 2, 2)):
            for i in range(n):
                layers.append(Block(cin, widths[stage + 1], stride if i == 0 else 1))
                cin = widths[stage + 1]
        self.blocks = nn.Sequential(*layers)
        self.bn = nn.BatchNorm2d(cin, momentum=0.9)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        h = F.leaky_relu(self.bn(self.blocks(self.conv1(x))), 0.2)
        return self.fc(F.avg_pool2d(h, 8).flatten(1))


def timeit(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t) / reps * 1000.0


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg.get("threads", 2))
    torch.manual_seed(0)
    out = []
    for spec in cfg["workloads"]:
        depth, width, batch = spec["depth"], spec["width"], spec["batch"]
        model = WRN(depth, width)
        x = torch.rand(batch, 3, 32, 32) * 2 - 1
        y = torch.randint(0, 10, (batch,))
        if spec["kind"] == "train":
            model.train()
            opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

            def step():
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
        else:
            model.eval()

            def step():
                xi = x.clone().requires_grad_(True)
                e = torch.logsumexp(model(xi), 1).sum()
                (g,) = torch.autograd.grad(e, xi)
                return g

        ms = timeit(step, cfg.get("warmup", 2), cfg.get("reps", 5))
        out.append({**spec, "ms": ms})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": out}))


if __name__ == "__main__":
    main()
