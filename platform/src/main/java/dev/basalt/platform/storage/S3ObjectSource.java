package dev.basalt.platform.storage;

import dev.basalt.platform.config.S3StoreConfig;
import dev.basalt.platform.errors.DependencyFailedException;
import dev.basalt.platform.errors.NotFoundException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@code s3://} locations on an S3-compatible store, read through the AWS SDK's S3 client. */
public final class S3ObjectSource implements ObjectSource {
    private final S3Client client;
    private final String endpoint;

    public S3ObjectSource(S3StoreConfig config) {
        if (!config.configured()) {
            throw new IllegalArgumentException("no S3-compatible store is configured (storage.s3.endpoint)");
        }
        AwsCredentialsProvider credentials = config.accessKeyId().isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
        this.client = S3Client.builder()
                .endpointOverride(config.endpoint())
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                // Checksums only where S3 requires them: many S3-compatible stores do not know the newer ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        this.endpoint = config.endpoint().toString();
    }

    /** Where the store is, for messages. */
    public String endpoint() {
        return endpoint;
    }

    @Override
    public boolean hasBucket(String bucket) {
        try {
            client.headBucket(r -> r.bucket(bucket));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failed("find the bucket " + bucket, e);
        } catch (SdkException e) {
            throw failed("find the bucket " + bucket, e);
        }
    }

    @Override
    public List<StoredObject> list(S3Uri location) {
        String folder = location.folderPrefix();
        try {
            return client.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(location.key())).contents()
                    .stream()
                    .filter(o -> o.key().equals(location.key()) || o.key().startsWith(folder))
                    .map(o -> new StoredObject(o.key(), o.size(), o.eTag(), o.lastModified()))
                    .sorted(Comparator.comparing(StoredObject::key))
                    .toList();
        } catch (NoSuchBucketException e) {
            throw noBucket(location);
        } catch (SdkException e) {
            throw failed("list " + location, e);
        }
    }

    @Override
    public InputStream open(S3Uri object) {
        try {
            return client.getObject(r -> r.bucket(object.bucket()).key(object.key()));
        } catch (NoSuchKeyException e) {
            throw new NotFoundException("The object " + object + " does not exist (in the S3 store at " + endpoint + ").");
        } catch (NoSuchBucketException e) {
            throw noBucket(object);
        } catch (SdkException e) {
            throw failed("read " + object, e);
        }
    }

    private NotFoundException noBucket(S3Uri location) {
        return new NotFoundException("The bucket " + location.bucket() + " does not exist in the S3 store at " + endpoint + ".");
    }

    private DependencyFailedException failed(String what, SdkException e) {
        return new DependencyFailedException("Could not " + what + " on the S3 store at " + endpoint + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        client.close();
    }
}
