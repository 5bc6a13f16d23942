"""Architecture counts: the specs give the published numbers (the lecture's Keras table, torchvision, the papers),
the arithmetic in counting.py equals torch models built from the same specs on the meta device, and the counts
are polynomials when the number of classes is a sympy symbol."""
import pytest
import sympy as sp
from hypothesis import given

from grader.suites.architectures import SPECS
from reference.architectures.counting import count_macs, count_params, model_bytes, output_shape, weight_depth
from reference.architectures.oracle import measure
from reference.architectures.specs import INPUTS, architecture

# name: (parameters as published, the convention they use) — Keras counts BN's moving statistics (its "Total
# params"), torchvision and the papers count learnable parameters only
PUBLISHED = {
    "vgg16": (138_357_544, False), "vgg19": (143_667_240, False),                    # the Keras table = torchvision
    "resnet50v2": (25_613_800, True), "resnet101v2": (44_675_560, True), "resnet152v2": (60_380_648, True),
    "inception_v3": (23_851_784, True), "xception": (22_910_480, True),
    "mobilenet": (4_253_864, True), "mobilenet_v2": (3_538_984, True),               # the lecture's Keras table
    "alexnet_torchvision": (61_100_840, False),                                        # torchvision.models.alexnet
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_parameter_counts(name):
    count, keras = PUBLISHED[name]
    spec, shape = architecture(name)
    assert count_params(spec, shape, moving_stats=keras) == count


def test_torchvision_mobilenet_v2_is_keras_without_moving_statistics():
    spec, shape = architecture("mobilenet_v2")
    assert count_params(spec, shape) == 3_504_872          # torchvision.models.mobilenet_v2


def test_papers_numbers():
    alexnet, shape = architecture("alexnet")
    assert count_params(alexnet, shape) == 60_965_224       # "60 million parameters"
    assert output_shape(alexnet[:8], shape) == (256, 6, 6)  # 6 x 6 x 256 = 9216 inputs to fc6
    googlenet, gshape = architecture("googlenet")
    assert weight_depth(googlenet) == 22                    # "22 layers deep when counting only layers with parameters"
    assert count_params(googlenet, gshape) == 6_998_552     # the lecture's "5 million" is the paper's abstract claim
    assert round(count_macs(googlenet, gshape) / 1e9, 1) == 1.6   # "1.5 billion multiply-adds"
    mobilenet, mshape = architecture("mobilenet")
    assert weight_depth(mobilenet) == 28 and round(count_macs(mobilenet, mshape) / 1e6) == 569   # Table 1
    v2, vshape = architecture("mobilenet_v2")
    assert round(count_macs(v2, vshape) / 1e6) == 301       # the paper's "300M"
    assert weight_depth(architecture("xception")[0]) == 37  # 36 convolutions + the classifier
    assert [weight_depth(architecture(n)[0]) for n in ("vgg16", "vgg19", "resnet50v2", "resnet152v2")] == [16, 19, 50,
                                                                                                          152]
    vgg16, vshape = architecture("vgg16")
    assert model_bytes(count_params(vgg16, vshape)) == 553_430_176   # the Keras table's 528 MB = 527.8 MiB
    assert round(model_bytes(count_params(vgg16, vshape)) / 2 ** 20) == 528


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_counts_equal_torch_on_the_meta_device(name):
    spec, shape = architecture(name)
    measured = measure(spec, shape)
    assert measured == {"output_shape": output_shape(spec, shape), "params": count_params(spec, shape),
                        "params_with_moving_stats": count_params(spec, shape, moving_stats=True),
                        "macs": count_macs(spec, shape), "depth": weight_depth(spec)}
    assert measured["output_shape"] == (1000,)


@given(SPECS)
def test_drawn_specs_equal_torch(case):
    spec, shape = case["spec"], case["input_shape"]
    measured = measure(spec, shape)
    assert measured["output_shape"] == output_shape(spec, shape)
    assert measured["params"] == count_params(spec, shape)
    assert measured["params_with_moving_stats"] == count_params(spec, shape, moving_stats=True)
    assert measured["macs"] == count_macs(spec, shape)
    assert measured["depth"] == weight_depth(spec)


def test_counts_are_polynomials_in_the_number_of_classes():
    K = sp.Symbol("K", positive=True, integer=True)
    for name in ("alexnet", "vgg16", "googlenet", "inception_v3", "mobilenet"):
        spec, shape = architecture(name, num_classes=K)
        params = sp.expand(count_params(spec, shape))
        assert sp.degree(params, K) == 1 and params.subs(K, 1000) == count_params(*architecture(name))
        assert sp.expand(count_macs(spec, shape)).subs(K, 10) == count_macs(*architecture(name, 10))


def test_input_size_as_a_symbol_gives_floors():
    S = sp.Symbol("S", positive=True, integer=True)
    spec, _ = architecture("vgg16")
    macs = count_macs(spec, (3, S, S))
    assert macs.subs(S, 224) == count_macs(spec, (3, 224, 224)) and macs.has(sp.floor)


def test_mismatched_paths_raise():
    with pytest.raises(ValueError):
        output_shape((("residual", (("conv", 4, 3, 1, 1),), ()),), (3, 6, 6))
    with pytest.raises(ValueError):
        output_shape((("branches", ((("conv", 2, 1, 1, 0),), (("maxpool", 2, 2, 0),))),), (1, 4, 4))
