"""The privacy policy in force (section H); versions and their publication come later."""

CURRENT_POLICY_VERSION = "2018-11-02"
