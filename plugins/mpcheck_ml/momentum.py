"""Two steps of SGD with Polyak momentum or Nesterov momentum on a quadratic loss.

    L(θ) = ½ Σ_i a_i θ_i²,   so   ∇L(θ) = a ⊙ θ   (a closed form lets the look-ahead be computed)

    Polyak:    v ← α v − ε ∇L(θ),          θ ← θ + v
    Nesterov:  v ← α v − ε ∇L(θ + α v),    θ ← θ + v   (the gradient at the look-ahead point)

This is the course's (Goodfellow et al.'s) convention: v is a velocity in parameter space.
PyTorch stores b ← μ b + g and steps θ ← θ − lr·b instead; for a constant learning rate the
two agree with v = −lr·b (see references/optimizers.py).
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Generator, Mistake, Parts, Vector
from mpcheck.errors import ParamsError
from mpcheck.text import exact, exact_vec, num, vec
from mpcheck_ml.common import add, clean_vec, hadamard, scale

KEYS = ("theta", "v", "curvature", "lr", "momentum")
MAX_DIM = 16


def grad(p: dict, theta: list[float]) -> list[float]:
    # ∇L(θ) = a ⊙ θ for L(θ) = ½ Σ a_i θ_i²
    return hadamard(p["curvature"], theta)


def run(p: dict, nesterov: bool, *, sign: float = -1.0, alpha: float | None = None,
        stale: bool = False, flipped_velocity: bool = False, old_velocity: bool = False) -> dict:
    """Two steps; the keyword switches replay a wrong variant for the mistakes."""
    alpha = p["momentum"] if alpha is None else alpha
    theta, v, out = p["theta"], p["v"], {}
    first_grad = None
    for step in (1, 2):
        # the look-ahead is where momentum carries θ next: θ + αv, or θ − αv in the flipped convention
        point = add(theta, scale(-alpha if flipped_velocity else alpha, v)) if nesterov else theta
        g = first_grad if stale and first_grad is not None else grad(p, point)
        first_grad = first_grad or g
        if flipped_velocity:
            # the other convention read with the course's v: v ← αv + εg, θ ← θ − v
            v = add(scale(alpha, v), scale(p["lr"], g))
            theta = add(theta, scale(-1, v))
        else:
            # v ← α v − ε g   (sign = +1 replays gradient ascent)
            v_old, v = v, add(scale(alpha, v), scale(sign * p["lr"], g))
            # θ ← θ + v   (old_velocity replays moving θ before updating v)
            theta = add(theta, v_old if old_velocity else v)
        out[f"v{step}"], out[f"theta{step}"] = clean_vec(v), clean_vec(theta)
    return out


def _sample(rng) -> dict:
    n = sampling.pick(rng, [1, 2, 2])
    while True:
        theta = [float(t) for t in sampling.ints(rng, -3, 3, n)]
        v = [float(t) for t in sampling.ints(rng, -1, 1, n)] if rng.random() < 0.6 else [0.0] * n
        if any(theta) and any(theta[i] or v[i] for i in range(n)):
            break
    return {"theta": theta, "v": v, "curvature": [sampling.pick(rng, [0.5, 1, 2]) for _ in range(n)],
            "lr": sampling.pick(rng, [0.1, 0.2, 0.5]), "momentum": sampling.pick(rng, [0.5, 0.9])}


def _validate(p: dict) -> None:
    P.check_keys(p, KEYS)
    theta = P.vector(p, "theta", max_length=MAX_DIM)
    P.vector(p, "v", len(theta))
    if any(a <= 0 for a in P.vector(p, "curvature", len(theta))):
        raise ParamsError("params: 'curvature' entries must be > 0 (the loss ½ Σ a_i θ_i² must be convex)")
    P.real(p, "lr", 0, 10, strict_lo=True)
    P.real(p, "momentum", 0, 1)
    for key in ("theta", "v", "curvature"):
        if any(abs(x) > 1e6 for x in p[key]):
            raise ParamsError(f"params: {key!r} entries must lie in [−1e6, 1e6]")


def _prompt(p: dict, nesterov: bool) -> str:
    rule = (r"$v \leftarrow \alpha v - \epsilon \nabla L(\theta + \alpha v)$, then $\theta \leftarrow \theta + v$ "
            "(Nesterov: the gradient at the look-ahead point)"
            if nesterov else r"$v \leftarrow \alpha v - \epsilon \nabla L(\theta)$, then "
            r"$\theta \leftarrow \theta + v$ (Polyak momentum)")
    curv = " + ".join(f"{exact(a)} \\theta_{i + 1}^2" for i, a in enumerate(p["curvature"]))
    return "\n".join([
        f"Minimise $L(\\theta) = \\frac{{1}}{{2}}({curv})$, whose gradient is "
        f"$\\nabla L(\\theta) = {exact_vec(p['curvature'])} \\odot \\theta$.",
        f"Start at $\\theta_0 = {exact_vec(p['theta'])}$ with velocity $v_0 = {exact_vec(p['v'])}$, learning rate "
        f"$\\epsilon = {exact(p['lr'])}$ and momentum $\\alpha = {exact(p['momentum'])}$. Each step does",
        f"  {rule}.",
        r"Give v1, theta1 (after step 1) and v2, theta2 (after step 2): $v_1$, $\theta_1$, $v_2$, $\theta_2$."])


def _solution(p: dict, nesterov: bool) -> str:
    a, eps = p["momentum"], p["lr"]
    theta, v, lines = p["theta"], p["v"], []
    answer = run(p, nesterov)
    for step in (1, 2):
        if nesterov:
            point = add(theta, scale(a, v))
            lines.append(f"Step {step}: the look-ahead $\\theta + \\alpha v = {vec(theta)} + {num(a)} \\cdot {vec(v)} "
                         f"= {vec(point)}$, the gradient there ${vec(p['curvature'])} \\odot {vec(point)} = "
                         f"{vec(grad(p, point))}$")
            g = grad(p, point)
        else:
            g = grad(p, theta)
            lines.append(f"Step {step}: the gradient $\\nabla L(\\theta) = {vec(p['curvature'])} \\odot {vec(theta)} "
                         f"= {vec(g)}$")
        v_new, theta_new = answer[f"v{step}"], answer[f"theta{step}"]
        lines += [f"$v_{step} = \\alpha v - \\epsilon g = {num(a)} \\cdot {vec(v)} - {num(eps)} \\cdot {vec(g)} "
                  f"= {vec(v_new)}$",
                  f"$\\theta_{step} = \\theta + v = {vec(theta)} + {vec(v_new)} = {vec(theta_new)}$"]
        theta, v = theta_new, v_new
    return "\n".join(lines)


def _mistakes(nesterov: bool) -> tuple[Mistake, ...]:
    other = ("no-look-ahead", r"Nesterov evaluates the gradient at the look-ahead point $\theta + \alpha v$, "
             r"not at $\theta$.") \
        if nesterov else ("used-look-ahead", r"Polyak momentum takes the gradient at $\theta$ itself; the look-ahead "
                          r"$\theta + \alpha v$ is Nesterov's variant.")
    return (
        Mistake("forgot-the-minus", r"The velocity moves against the gradient: $v \leftarrow \alpha v - \epsilon \nabla L$.",
                lambda p: run(p, nesterov, sign=1.0)),
        Mistake("momentum-sign-convention", r"In this convention $v$ is the step itself: "
                r"$v \leftarrow \alpha v - \epsilon \nabla L$ and $\theta \leftarrow \theta + v$. You used "
                r"$v \leftarrow \alpha v + \epsilon \nabla L$ and $\theta \leftarrow \theta - v$ with the given $v_0$, "
                "which flips its direction.",
                lambda p: run(p, nesterov, flipped_velocity=True)),
        Mistake("forgot-momentum", r"You dropped the $\alpha v$ term: that is plain gradient descent, not momentum.",
                lambda p: run(p, nesterov, alpha=0.0)),
        Mistake("stale-gradient", r"Recompute the gradient at the new point for step 2; it changes as $\theta$ moves.",
                lambda p: run(p, nesterov, stale=True)),
        Mistake("used-old-velocity", r"Update $v$ first, then move $\theta$ with the new $v$: $\theta \leftarrow \theta + v$ uses this "
                "step's velocity, not the previous one.", lambda p: run(p, nesterov, old_velocity=True)),
        Mistake(other[0], other[1], lambda p: run(p, not nesterov)),
    )


def _generator(nesterov: bool) -> Generator:
    name = "nesterov" if nesterov else "sgd-momentum"
    return Generator(
        id=f"ml.{name}-step",
        title="Two steps of Nesterov momentum" if nesterov else "Two steps of SGD with momentum",
        # θ1 and θ2 are updates: their steps from θ0 and from θ1 are judged (v is a step already)
        answer_kind=Parts({"v1": Vector(), "theta1": Vector(step_from="theta"), "v2": Vector(),
                           "theta2": Vector(step_from=lambda p: run(p, nesterov)["theta1"])}),
        sample_params=_sample,
        validate_params=_validate,
        solve=lambda p: run(p, nesterov),
        prompt=lambda p: _prompt(p, nesterov),
        solution=lambda p: _solution(p, nesterov),
        hints=lambda p: [r"Update $v$ first, then $\theta$ with the new $v$.",
                         r"Nesterov: evaluate $\nabla L$ at $\theta + \alpha v$." if nesterov
                         else r"The gradient is taken at the current $\theta$.",
                         r"Step 2 needs the gradient at $\theta_1$, not $\theta_0$."],
        mistakes=_mistakes(nesterov),
        tags=("optimisation", "momentum", *(("nesterov",) if nesterov else ())),
        difficulty=2,
    )


SGD_MOMENTUM_STEP = _generator(nesterov=False)
NESTEROV_STEP = _generator(nesterov=True)

GENERATORS = [SGD_MOMENTUM_STEP, NESTEROV_STEP]
