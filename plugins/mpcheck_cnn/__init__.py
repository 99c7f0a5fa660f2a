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
    from mpcheck_cnn import backward, forward, layers, pooling, sizes, transposed

    for module in (sizes, layers, forward, backward, pooling, transposed):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_derivations(register):
    from mpcheck_cnn.derivations import DERIVATIONS

    for derivation in DERIVATIONS:
        register(derivation)


@hookimpl
def register_references(register):
    from mpcheck_cnn.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
