# syntax=docker/dockerfile:1
#
# relmap in one image: the `relmap` CLI and (from the dashboard issue on) the
# Streamlit dashboard it serves on port 8501.
#
#   docker build -t relmap:local .
#   docker run --rm relmap:local relmap --help
#   docker run --rm relmap:local relmap demo        # embedded store inside the container
#
# docker-compose.yml runs this image next to Neo4j; see the comment at its top.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

# Fonts for names in any script, Chinese, Japanese and Korean included, for whatever draws
# text inside the container (the slim image has almost none).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

# A non-root user to run as; its home is where Streamlit keeps its own files.
RUN groupadd --system --gid 10001 relmap \
 && useradd --system --uid 10001 --gid relmap --create-home --home-dir /home/relmap --shell /usr/sbin/nologin relmap \
 && mkdir -p /var/lib/relmap/import \
 && chown -R relmap:relmap /var/lib/relmap

WORKDIR /app

# 1. The dependencies alone, read from pyproject.toml, so that editing the code
#    does not download them again (this layer stays cached).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# 2. The project, installed like any package: the example story `relmap demo` loads and the
#    dashboard's files ship inside it (package data), so nothing is read from /app afterwards.
#    The source is removed once installed.
COPY . /tmp/relmap-src
RUN pip install --no-cache-dir --no-deps /tmp/relmap-src \
 && rm -rf /tmp/relmap-src \
 && relmap --version \
 && python -c "import relmap.cli.data as d; assert (d.EXAMPLES / 'people.csv').is_file(), d.EXAMPLES"

USER relmap

# Without --store or RELMAP_STORE, relmap would create ./relmap-data in /app,
# which this user cannot write: keep the embedded store in a folder it owns.
# docker-compose.yml sets RELMAP_STORE to the Neo4j service instead.
ENV RELMAP_STORE=/var/lib/relmap/store

EXPOSE 8501

# The slim image has no curl: ask Streamlit's health endpoint with Python.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["relmap", "dashboard", "--address", "0.0.0.0", "--port", "8501"]
