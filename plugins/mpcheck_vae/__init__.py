"""Built-in topic: Autoencoders and VAEs (course chapter 3–4)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("vae", "Autoencoders and VAEs", chapter="3–4", summary="KL divergence, the ELBO, reparameterisation, β-VAE.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank

    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_vae.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
