# Lendscope app image: python:3.11-slim, non-root, default dataset and model built at
# image build time. Build: docker build -t lendscope .   Run: docker run -p 8501:8501 lendscope
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# libgomp1: the OpenMP runtime XGBoost and LightGBM link against.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 lendscope
WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=lendscope:lendscope . .
USER lendscope

# Generate the synthetic dataset and train + promote the default model into the image.
RUN python -m model ensure-default

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"

CMD ["python", "-m", "streamlit", "run", "app.py", \
     "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
