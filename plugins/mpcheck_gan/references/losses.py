"""The GAN losses from the discriminator's logits, written with a stable log-sigmoid.

With D = σ(a) (a the logit) the value of the game on a batch is
    V = mean_x log D(x) + mean_z log(1 − D(G(z)))
The discriminator maximises V; the generator minimises it (saturating) or, in practice,
maximises log D(G(z)) (non-saturating: strong gradients while D rejects its samples).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from mpcheck.api import Case
from mpcheck.reference import RefResult, max_abs_error, time_ms

TOLERANCE = 1e-10  # float64 throughout


def log_sigmoid(a: torch.Tensor) -> torch.Tensor:
    # log σ(a) = −log(1 + e^{−a}) = −(max(−a, 0) + log(1 + e^{−|a|})): no overflow for any a
    return -(torch.clamp(-a, min=0) + torch.log1p(torch.exp(-a.abs())))


def gan_losses(real_logits: torch.Tensor, fake_logits: torch.Tensor):
    """(L_D, L_G saturating, L_G non-saturating) from D's logits on real and on generated samples."""
    log_d_real = log_sigmoid(real_logits)              # log D(x)
    log_d_fake = log_sigmoid(fake_logits)              # log D(G(z))
    log_not_d_fake = log_sigmoid(-fake_logits)         # log(1 − D(G(z))), since 1 − σ(a) = σ(−a)
    # D maximises V: L_D = −(mean log D(x) + mean log(1 − D(G(z))))
    d_loss = -(log_d_real.mean() + log_not_d_fake.mean())
    # saturating: G minimises V, i.e. L_G = mean log(1 − D(G(z)))
    g_saturating = log_not_d_fake.mean()
    # non-saturating: G maximises log D(G(z)), i.e. L_G = −mean log D(G(z))
    g_non_saturating = -log_d_fake.mean()
    return d_loss, g_saturating, g_non_saturating


# --- the exercise: cases, oracle and known bugs -----------------------------------------------

def gan_losses_cases(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]:
    """Fixed batches (a confident and an undecided discriminator), then random ones."""
    fixed = [([2.0, 3.0, 1.5], [-3.0, -2.5, -4.0]), ([0.1, -0.2], [0.3, 0.0])]
    cases = [Case(f"{len(r)} real, {len(f)} fake logits", (torch.tensor(r, dtype=dtype, device=device),
                                                          torch.tensor(f, dtype=dtype, device=device)))
             for r, f in fixed]
    for _ in range(4):
        n_real, n_fake = (int(torch.randint(2, 9, (), generator=generator)) for _ in range(2))
        # logits within ±4: the float32 oracle (probabilities, then logs) stays accurate there
        real = (torch.rand(n_real, generator=generator, dtype=torch.float64) * 8 - 4).to(device, dtype)
        fake = (torch.rand(n_fake, generator=generator, dtype=torch.float64) * 8 - 4).to(device, dtype)
        cases.append(Case(f"{n_real} real, {n_fake} fake random logits", (real, fake)))
    return cases


def gan_losses_oracle(real_logits, fake_logits):
    """The same losses as binary cross-entropies: BCE(p, 1) = −log p and BCE(p, 0) = −log(1 − p)."""
    d_real, d_fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    ones, zeros = torch.ones_like(d_fake), torch.zeros_like(d_fake)
    d_loss = F.binary_cross_entropy(d_real, torch.ones_like(d_real)) + F.binary_cross_entropy(d_fake, zeros)
    return d_loss, -F.binary_cross_entropy(d_fake, zeros), F.binary_cross_entropy(d_fake, ones)


def gan_losses_labels_swapped(real_logits, fake_logits):
    """The bug: D is trained to call real samples fake and fake ones real."""
    d_loss = -(log_sigmoid(-real_logits).mean() + log_sigmoid(fake_logits).mean())
    return d_loss, log_sigmoid(-fake_logits).mean(), -log_sigmoid(fake_logits).mean()


def gan_losses_non_saturating_sign(real_logits, fake_logits):
    """The bug: the non-saturating loss returned as +log D(G(z)), the quantity to maximise."""
    d_loss, g_saturating, g_non_saturating = gan_losses(real_logits, fake_logits)
    return d_loss, g_saturating, -g_non_saturating


def gan_losses_generator_swapped(real_logits, fake_logits):
    """The bug: the saturating and the non-saturating generator losses swapped."""
    d_loss, g_saturating, g_non_saturating = gan_losses(real_logits, fake_logits)
    return d_loss, g_non_saturating, g_saturating


def gan_losses_summed(real_logits, fake_logits):
    """The bug: sums over the batch instead of means."""
    d_loss = -(log_sigmoid(real_logits).sum() + log_sigmoid(-fake_logits).sum())
    return d_loss, log_sigmoid(-fake_logits).sum(), -log_sigmoid(fake_logits).sum()


# --- check against the oracle ----------------------------------------------------------------

def check_gan_losses(device: str) -> RefResult:
    gen = torch.Generator().manual_seed(0)
    errors = [max_abs_error(list(gan_losses(*case.args)), list(gan_losses_oracle(*case.args)))
              for case in gan_losses_cases(gen, device, torch.float64)]
    real = torch.randn(4096, generator=gen, dtype=torch.float64).to(device)
    fake = torch.randn(4096, generator=gen, dtype=torch.float64).to(device)
    # far out in the tails BCE on probabilities loses everything, the log-sigmoid form does not
    extreme = gan_losses(torch.tensor([40.0], dtype=torch.float64, device=device),
                         torch.tensor([-40.0], dtype=torch.float64, device=device))
    tail = abs(float(extreme[2]) - 40.0)
    return RefResult(max_abs_error=max(errors + [tail]), tolerance=TOLERANCE, device=device,
                     ms=time_ms(lambda: gan_losses(real, fake), device),
                     builtin_ms=time_ms(lambda: gan_losses_oracle(real, fake), device),
                     detail="also exact at logit ±40, where BCE on probabilities saturates")
