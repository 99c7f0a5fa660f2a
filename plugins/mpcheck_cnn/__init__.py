"""Built-in topic: convolutional networks (course chapter 1)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("cnn", "Convolutional networks", chapter="1",
              summary="Convolution vs correlation, output sizes, parameters, backprop through conv and pooling.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_cnn import sizes

    for generator in [*sizes.GENERATORS, *builtin_bank(TOPIC.name)]:
        register(generator)


@hookimpl
def register_derivations(register):
    from mpcheck_cnn.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)
