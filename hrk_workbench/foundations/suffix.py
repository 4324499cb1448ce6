"""The assessment file's name ending, in a module light enough for any command to import."""

FILE_SUFFIX = ".hrk.json"
