"""Built-in topic: autoregressive models and attention (course chapter 5)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("autoregressive", "Autoregressive models and attention", chapter="5",
              summary="Chain rule, FVSBN/NADE/MADE, PixelCNN masks, WaveNet receptive fields, VQ-VAE, "
                      "attention and NLL.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_autoregressive import attention, counts, masks, nll, vq, wavenet

    for module in (counts, masks, wavenet, attention, vq, nll):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_autoregressive.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_autoregressive.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
