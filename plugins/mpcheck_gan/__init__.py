"""Built-in topic: Generative adversarial networks (course chapter 7)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("gan", "Generative adversarial networks", chapter="7", summary="The GAN value function, optimal discriminator, JSD, FID, AdaIN.")


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
    from mpcheck_gan.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
