"""Built-in topic: Diffusion models (course chapter 8)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("diffusion", "Diffusion models", chapter="8",
              summary="Noise schedules, the forward marginal and posterior, DDPM sampling and training, guidance.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_diffusion import forward, guidance, posterior, schedule

    for module in (schedule, forward, posterior, guidance):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_diffusion.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_diffusion.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
