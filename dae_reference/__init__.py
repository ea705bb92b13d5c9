"""Reference implementation of the course's convolutional denoising autoencoder.

Modules, one concern each:

    data      load Fashion-MNIST from the original IDX files, offline first
    noise     Gaussian, masking and salt-and-pepper corruption (NumPy and tf.data)
    model     encoder, decoder, autoencoder and dense builders; the pretrained model
    linear    PCA, the linear autoencoder
    config    training profiles (smoke, quick, full) and the profile rule
    device    GPU / CPU detection and the precision policy
    train     the tf.data pipeline, compile, fit, save
    evaluate  MSE, PSNR, SSIM, per-class error, classical baselines
    audit     memorization, class disparity, out-of-distribution inputs
    plots     the course's figures
    cli       ``python -m dae_reference {train,evaluate,run}``

Importing the package imports neither TensorFlow nor Keras; the modules that
need them do.
"""

__version__ = "0.1.0"
