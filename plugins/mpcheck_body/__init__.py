"""Built-in topic: parametric body models and pose (course chapter 11)."""

from mpcheck.api import Topic, hookimpl

TOPIC = Topic("body", "Parametric body models and pose", chapter="11",
              summary="Linear blend skinning, SMPL shape spaces, forward kinematics, heatmaps and soft-argmax, "
                      "reprojection.")


@hookimpl
def register_topics(register):
    register(TOPIC)


@hookimpl
def register_generators(register):
    from mpcheck.questions import builtin_bank
    from mpcheck_body import kinematics, pose, skinning

    for module in (skinning, kinematics, pose):
        for generator in module.GENERATORS:
            register(generator)
    for question in builtin_bank(TOPIC.name):
        register(question)


@hookimpl
def register_references(register):
    from mpcheck_body.references import REFERENCES

    for reference in REFERENCES:
        register(reference)
