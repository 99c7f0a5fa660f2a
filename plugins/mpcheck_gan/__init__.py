"""Built-in topic: Generative adversarial networks (course chapter 7)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("gan", "Generative adversarial networks", chapter="7",
              summary="The GAN value function, optimal discriminator, JSD, FID, AdaIN, CycleGAN.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_gan import discriminator, fid, gradients, style, translation

    for module in (discriminator, gradients, fid, style, translation):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_gan.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_gan.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
