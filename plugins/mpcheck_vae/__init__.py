"""Built-in topic: Autoencoders and VAEs (course chapters 3–4)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("vae", "Autoencoders and VAEs", chapter="3–4",
              summary="KL divergence, the ELBO, reparameterisation, β-VAE, the taxonomy of generative models.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_vae import elbo, kl, reparam, taxonomy

    for module in (kl, elbo, reparam, taxonomy):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_vae.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_vae.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
