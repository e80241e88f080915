"""PyTorch side of the speed benchmark (apps/bench/src/speed.ts runs this in the same job).

Times the same workloads as the TypeScript side on a JEM-layout WideResNet (pre-activation
blocks, LeakyReLU 0.2, biased convolutions, BatchNorm momentum 0.9, stride on conv2):
  train: forward + backward + SGD step at batch B (train-mode BN)
  input-grad: forward + gradient of sum(logsumexp(logits)) w.r.t. the input (eval-mode BN)
  inception: the FID Inception-v3 (pytorch-fid's layout: conv + BN(eps 1e-3) + ReLU blocks, Mixed_5b..7c)
             forward to the 2048-d pool3 features at batch B on 299x299 inputs (random weights, eval mode)
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


class BasicConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, pad=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, pad, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def seq(*mods):
    return nn.Sequential(*mods)


class MixedA(nn.Module):  # InceptionA; average pool without padding in the count (pytorch-fid)
    def __init__(self, cin, pool):
        super().__init__()
        self.b1 = BasicConv(cin, 64, 1)
        self.b5 = seq(BasicConv(cin, 48, 1), BasicConv(48, 64, 5, pad=2))
        self.b3 = seq(BasicConv(cin, 64, 1), BasicConv(64, 96, 3, pad=1), BasicConv(96, 96, 3, pad=1))
        self.bp = BasicConv(cin, pool, 1)

    def forward(self, x):
        p = self.bp(F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), p], 1)


class MixedB(nn.Module):  # InceptionB (Mixed_6a)
    def __init__(self, cin):
        super().__init__()
        self.b3 = BasicConv(cin, 384, 3, 2)
        self.bd = seq(BasicConv(cin, 64, 1), BasicConv(64, 96, 3, pad=1), BasicConv(96, 96, 3, 2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.bd(x), F.max_pool2d(x, 3, 2)], 1)


class MixedC(nn.Module):  # InceptionC (Mixed_6b..6e)
    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = BasicConv(cin, 192, 1)
        self.b7 = seq(BasicConv(cin, c7, 1), BasicConv(c7, c7, (1, 7), pad=(0, 3)), BasicConv(c7, 192, (7, 1), pad=(3, 0)))
        self.bd = seq(BasicConv(cin, c7, 1), BasicConv(c7, c7, (7, 1), pad=(3, 0)), BasicConv(c7, c7, (1, 7), pad=(0, 3)),
                      BasicConv(c7, c7, (7, 1), pad=(3, 0)), BasicConv(c7, 192, (1, 7), pad=(0, 3)))
        self.bp = BasicConv(cin, 192, 1)

    def forward(self, x):
        p = self.bp(F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))
        return torch.cat([self.b1(x), self.b7(x), self.bd(x), p], 1)


class MixedD(nn.Module):  # InceptionD (Mixed_7a)
    def __init__(self, cin):
        super().__init__()
        self.b3 = seq(BasicConv(cin, 192, 1), BasicConv(192, 320, 3, 2))
        self.b7 = seq(BasicConv(cin, 192, 1), BasicConv(192, 192, (1, 7), pad=(0, 3)), BasicConv(192, 192, (7, 1), pad=(3, 0)),
                      BasicConv(192, 192, 3, 2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.b7(x), F.max_pool2d(x, 3, 2)], 1)


class MixedE(nn.Module):  # InceptionE (Mixed_7b: average pool, 7c: max pool, as pytorch-fid)
    def __init__(self, cin, max_pool):
        super().__init__()
        self.max_pool = max_pool
        self.b1 = BasicConv(cin, 320, 1)
        self.b3 = BasicConv(cin, 384, 1)
        self.b3a, self.b3b = BasicConv(384, 384, (1, 3), pad=(0, 1)), BasicConv(384, 384, (3, 1), pad=(1, 0))
        self.bd = seq(BasicConv(cin, 448, 1), BasicConv(448, 384, 3, pad=1))
        self.bda, self.bdb = BasicConv(384, 384, (1, 3), pad=(0, 1)), BasicConv(384, 384, (3, 1), pad=(1, 0))
        self.bp = BasicConv(cin, 192, 1)

    def forward(self, x):
        b3, bd = self.b3(x), self.bd(x)
        pool = F.max_pool2d(x, 3, 1, 1) if self.max_pool else F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
        return torch.cat([self.b1(x), self.b3a(b3), self.b3b(b3), self.bda(bd), self.bdb(bd), self.bp(pool)], 1)


class FidInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = seq(BasicConv(3, 32, 3, 2), BasicConv(32, 32, 3), BasicConv(32, 64, 3, pad=1), nn.MaxPool2d(3, 2),
                        BasicConv(64, 80, 1), BasicConv(80, 192, 3), nn.MaxPool2d(3, 2))
        self.mixed = seq(MixedA(192, 32), MixedA(256, 64), MixedA(288, 64), MixedB(288), MixedC(768, 128), MixedC(768, 160),
                         MixedC(768, 160), MixedC(768, 192), MixedD(768), MixedE(1280, False), MixedE(2048, True))

    def forward(self, x):
        return self.mixed(self.stem(x)).mean((2, 3))


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
        batch = spec["batch"]
        if spec["kind"] == "inception":
            net = FidInception().eval()
            xi = torch.rand(batch, 3, 299, 299) * 2 - 1

            def features():
                with torch.no_grad():
                    return net(xi)

            out.append({**spec, "ms": timeit(features, cfg.get("warmup", 2), cfg.get("reps", 5))})
            continue
        depth, width = spec["depth"], spec["width"]
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
