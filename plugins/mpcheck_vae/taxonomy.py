"""Where a generative model sits in the course's taxonomy (vae.model-taxonomy), after Goodfellow's
tree: does the model define a density p(x), can that density be evaluated exactly, and if not,
how is it approximated or avoided?
"""

from __future__ import annotations

from mpcheck import params as P
from mpcheck import sampling
from mpcheck.api import Choice, Generator, Mistake

CATEGORIES = (
    "explicit density, tractable",
    "explicit density, approximate (variational)",
    "explicit density, approximate (Markov chain)",
    "implicit density, direct sampling",
    "implicit density, Markov chain sampling",
)
TRACTABLE, VARIATIONAL, MARKOV, DIRECT, IMPLICIT_MARKOV = "abcde"

#: model -> (its category, why)
MODELS = {
    "FVSBN (fully visible sigmoid belief network)": (TRACTABLE, "an autoregressive model: the chain rule "
        "$p(x) = \\prod_i p(x_i \\mid x_{<i})$ gives the exact likelihood"),
    "NADE": (TRACTABLE, "an autoregressive model: each conditional is computed exactly, and their product is $p(x)$"),
    "MADE": (TRACTABLE, "an autoregressive model: masks make output $i$ depend on $x_{<i}$ only, so the "
        "outputs multiply to the exact $p(x)$"),
    "PixelCNN": (TRACTABLE, "an autoregressive model over pixels: the likelihood is a product of exact conditionals"),
    "WaveNet": (TRACTABLE, "an autoregressive model over audio samples: an exact product of conditionals"),
    "RealNVP (a normalizing flow)": (TRACTABLE, "a normalizing flow: the change of variables "
        "$p_x(x) = p_z(f^{-1}(x)) \\left|\\det \\frac{\\partial f^{-1}}{\\partial x}\\right|$ is exact"),
    "Glow (a normalizing flow)": (TRACTABLE, "a normalizing flow: an invertible map with a cheap log-determinant, "
        "so the likelihood is exact"),
    "the variational autoencoder (VAE)": (VARIATIONAL, "$p(x) = \\int p(x|z) p(z)\\, dz$ is intractable; "
        "it maximises the ELBO, a variational lower bound"),
    "a denoising diffusion model (DDPM)": (VARIATIONAL, "it is trained on a variational bound of $\\log p(x)$, "
        "like a hierarchical VAE with a fixed encoder"),
    "the Boltzmann machine": (MARKOV, "it defines an unnormalised density $e^{-E(x)}/Z$ whose partition "
        "function is intractable; it is trained and sampled with Markov chains"),
    "the generative adversarial network (GAN)": (DIRECT, "the generator maps noise to samples in one pass and "
        "never writes down $p(x)$"),
    "the generative stochastic network (GSN)": (IMPLICIT_MARKOV, "it learns the transition operator of a Markov "
        "chain whose stationary distribution is the data, with no explicit $p(x)$"),
}

FLOWS = {m for m in MODELS if "flow" in m}
VARIATIONAL_MODELS = {m for m, (c, _) in MODELS.items() if c == VARIATIONAL}
MARKOV_MODELS = {m for m, (c, _) in MODELS.items() if c in (MARKOV, IMPLICIT_MARKOV)}


def solve(p: dict) -> str:
    return MODELS[p["model"]][0]


def _sample(rng) -> dict:
    return {"model": sampling.pick(rng, list(MODELS))}


def _validate(p: dict) -> None:
    P.check_keys(p, ("model",))
    P.one_of(p, "model", MODELS)


def _prompt(p: dict) -> str:
    lines = [f"In the taxonomy of generative models, where does {p['model']} belong?"]
    lines += [f"  {letter}) {text}" for letter, text in zip("abcde", CATEGORIES)]
    return "\n".join(lines)


def _solution(p: dict) -> str:
    category, why = MODELS[p["model"]]
    return "\n".join([
        f"{p['model'][0].upper() + p['model'][1:]}: {CATEGORIES['abcde'.index(category)]} ({category}), as {why}.",
        "Explicit and tractable: autoregressive models and flows. Explicit and approximate: variational "
        "(VAE, diffusion) or Markov chain (Boltzmann machine). Implicit: direct (GAN) or Markov chain (GSN).",
    ])


def _when(models: set[str], wrong: str):
    return lambda p: wrong if p["model"] in models else None


MODEL_TAXONOMY = Generator(
    id="vae.model-taxonomy",
    title="The taxonomy of generative models",
    answer_kind=Choice(options=CATEGORIES, match_text=True),
    sample_params=_sample,
    validate_params=_validate,
    solve=solve,
    prompt=_prompt,
    solution=_solution,
    hints=lambda p: ["First: does the model write down a density $p(x)$ at all (explicit), or only produce samples "
                     "(implicit)?",
                     "Then: can $\\log p(x)$ be computed exactly, or only bounded or approximated?"],
    mistakes=(
        Mistake("flow-as-approximate", "A flow has a latent $z$ like a VAE, but its map is invertible: the change "
                "of variables gives the exact likelihood, no bound needed.", _when(FLOWS, VARIATIONAL)),
        Mistake("latent-likelihood-as-tractable", "With a latent variable, $p(x) = \\int p(x|z)p(z)\\,dz$ has no "
                "closed form: VAEs and diffusion models train on a variational bound.",
                _when(VARIATIONAL_MODELS, TRACTABLE)),
        Mistake("diffusion-as-markov-chain", "A diffusion model uses a chain of noising steps, but it is "
                "trained on a variational bound: the course files it with the VAE, as variational.",
                _when({"a denoising diffusion model (DDPM)"}, MARKOV)),
        Mistake("gan-as-variational", "A GAN has a latent $z$ like a VAE, but it never defines $p(x)$: it is "
                "implicit, sampled directly by the generator.",
                _when({"the generative adversarial network (GAN)"}, VARIATIONAL)),
        Mistake("markov-chain-sides-swapped", "Both the Boltzmann machine and the GSN use Markov chains; the "
                "Boltzmann machine defines an (unnormalised) density, explicit; the GSN only a sampling chain, implicit.",
                lambda p: {"the Boltzmann machine": IMPLICIT_MARKOV,
                           "the generative stochastic network (GSN)": MARKOV}.get(p["model"])),
    ),
    tags=("taxonomy", "generative-models"),
)

GENERATORS = [MODEL_TAXONOMY]
